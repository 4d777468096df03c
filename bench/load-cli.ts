/**
 * `npm run bench:load [-- --scale small|medium|large] [--clients 50,200] [--seconds 30]
 *  [--cache warm,no-cache] [--think 1000] [--transport loads,batch]`
 *
 * The load test alone (bench/load.ts), on the bench database the full bench uses (generated if
 * missing), with Cube as the bench starts it and every rollup built first. `npm run bench` runs
 * the same scenarios after its timings; this is for looking at load without the rest.
 */
import { parseArgs } from 'node:util';
import { buildAllRollups } from '../cube/rollups';
import { tabStates } from './cases';
import { benchCubePort, startBenchCube } from './cube';
import { openReusedBenchDatabase } from './database';
import { installInterruptHandlers, stopOnInterrupt } from './interrupt';
import { describeLoad, type LoadScenario, runLoad } from './load';
import type { Scale } from './types';

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: 'small' },
    clients: { type: 'string', default: '50,200' },
    seconds: { type: 'string', default: '30' },
    cache: { type: 'string', default: 'warm,no-cache' },
    think: { type: 'string', default: '1000' },
    // `batch`: each tab state as one POST /load-batch, as the web app's Cube client sends it.
    transport: { type: 'string', default: 'loads' },
  },
  strict: true,
});
const scale = String(values.scale) as Scale;
if (!['small', 'medium', 'large'].includes(scale)) throw new Error(`Unknown scale "${scale}"`);
const clients = String(values.clients).split(',').map(Number);
const caches = String(values.cache)
  .split(',')
  .map((c) => (c === 'warm' ? 'warm' : 'no-cache') as LoadScenario['cache']);
const seconds = Number(values.seconds);
const transports = String(values.transport)
  .split(',')
  .map((t): 'batch' | 'loads' => (t === 'batch' ? 'batch' : 'loads'));

installInterruptHandlers();
const db = await openReusedBenchDatabase(scale, (line) => console.log(line));
const unregisterDb = stopOnInterrupt(() => db.stop());
try {
  const cube = await startBenchCube(db.config, benchCubePort());
  const unregisterCube = stopOnInterrupt(() => cube.process.stop());
  try {
    console.log(`Cube: ${cube.engine.summary}`);
    const built = await buildAllRollups(cube.apiUrl, cube.token(), { timeoutMs: 30 * 60_000 });
    console.log(`${built.partitions} partitions built in ${built.seconds.toFixed(1)} s`);
    for (const cache of caches) {
      for (const n of clients) {
        for (const transport of transports) {
          const report = await runLoad(
            { clients: n, cache, thinkMs: Number(values.think), transport },
            {
              apiUrl: cube.apiUrl,
              token: cube.token,
              states: tabStates(db.dataNow),
              durationMs: seconds * 1000,
              rampMs: 1000,
              queryTimeoutMs: 30_000,
              cubePid: cube.process.process.pid,
            },
          );
          console.log(describeLoad(report));
          for (const sample of report.errorSamples) console.log(`  ${sample}`);
        }
      }
    }
  } finally {
    unregisterCube();
    await cube.process.stop();
  }
} finally {
  unregisterDb();
  await db.stop();
}
