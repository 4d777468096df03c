/**
 * `npm start -- --topology=split`: the production roles on one machine. One refresh worker builds
 * and refreshes the rollups and gets no query traffic; two API instances answer queries with the
 * scheduler off and never build; a round-robin proxy on the Cube port spreads requests over them
 * and replays a request an instance dropped. Roles and ports come from cube/roles.ts, the same
 * settings docker-compose.yml passes.
 */
import { type CubeProcess, spawnCube } from '../../cube/process';
import { roleEnv, splitPorts } from '../../cube/roles';
import type { PgConfig } from '../../db/connection';
import { assertPortFree } from '../../lib/ports';
import { type RoundRobinProxy, startRoundRobinProxy } from './round-robin-proxy';

export type SplitTopology = {
  /** The proxy's REST base URL (what the web app and clients use). */
  apiUrl: string;
  worker: CubeProcess;
  apis: CubeProcess[];
  proxy: RoundRobinProxy;
  /** One console line per process: which does what, where. */
  describe(): string[];
  /** Every Cube process, for watching exits. */
  processes(): CubeProcess[];
  stop(): Promise<void>;
};

export type SplitInput = {
  db: PgConfig;
  cubePort: number;
  sqlPort: number | false;
  apiSecret: string;
  env?: NodeJS.ProcessEnv;
  quiet?: boolean;
};

export function spawnRefreshWorker(input: SplitInput): Promise<CubeProcess> {
  return spawnCube({
    db: input.db,
    port: splitPorts(input.cubePort).worker,
    apiSecret: input.apiSecret,
    name: 'cube worker',
    quiet: input.quiet,
    // No SQL API on the worker: it serves no client traffic.
    env: { ...input.env, ...roleEnv('refresh-worker') },
    readyTimeoutMs: 120_000,
  });
}

export function spawnApiInstance(input: SplitInput, index: 0 | 1): Promise<CubeProcess> {
  return spawnCube({
    db: input.db,
    port: splitPorts(input.cubePort).apis[index],
    apiSecret: input.apiSecret,
    name: `cube api ${index + 1}`,
    quiet: input.quiet,
    sqlPort: input.sqlPort === false ? undefined : input.sqlPort + index,
    env: { ...input.env, ...roleEnv('api') },
    readyTimeoutMs: 120_000,
  });
}

export async function startSplitTopology(input: SplitInput): Promise<SplitTopology> {
  const ports = splitPorts(input.cubePort);
  await assertPortFree(input.cubePort, 'CUBE_PORT');
  for (const port of [ports.worker, ...ports.apis]) await assertPortFree(port, 'CUBE_PORT');
  const [worker, api1, api2] = await Promise.all([
    spawnRefreshWorker(input),
    spawnApiInstance(input, 0),
    spawnApiInstance(input, 1),
  ]);
  const proxy = await startRoundRobinProxy({ port: input.cubePort, upstreams: ports.apis });
  const apis = [api1, api2];
  return {
    apiUrl: `${proxy.url}/cubejs-api/v1`,
    worker,
    apis,
    proxy,
    processes: () => [worker, ...apis],
    describe: () => [
      `  Cube proxy:         :${input.cubePort}  round-robin over the API instances, replays a dropped request`,
      ...apis.map(
        (api, i) =>
          `  Cube API ${i + 1}:         :${api.port}  answers queries from rollups; scheduler off, never builds (pid ${api.process.pid})`,
      ),
      `  Cube refresh worker: :${worker.port}  builds and refreshes rollups every ${roleEnv('refresh-worker').CUBE_REFRESH_SECONDS} s; no query traffic (pid ${worker.process.pid})`,
    ],
    async stop() {
      await proxy.stop();
      await Promise.all([worker, ...apis].map((child) => child.stop()));
    },
  };
}
