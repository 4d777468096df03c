/**
 * `npm start -- --topology=split`: the production roles on one machine. One refresh worker builds
 * and refreshes the rollups and gets no query traffic; two API instances answer queries with the
 * scheduler off and never build; a round-robin proxy on the Cube port spreads requests over the
 * instances that pass their health check and replays a request an instance dropped. Each Cube
 * process is supervised: one that dies is restarted with backoff while the others keep serving
 * (scripts/lib/restart-supervisor.ts). Roles and ports come from cube/roles.ts, the same settings
 * docker-compose.yml passes.
 */
import type { CubeProcess } from '../../cube/process';
import { spawnCube } from '../../cube/process';
import { roleEnv, splitPorts } from '../../cube/roles';
import type { PgConfig } from '../../db/connection';
import { assertPortFree } from '../../lib/ports';
import { type RestartPolicy, type SupervisedProcess, superviseProcess } from './restart-supervisor';
import { type RoundRobinProxy, startRoundRobinProxy } from './round-robin-proxy';
import { warmUpApiInstance } from './warm-up';

export type SplitTopology = {
  /** The proxy's REST base URL (what the web app and clients use). */
  apiUrl: string;
  worker: SupervisedProcess;
  apis: SupervisedProcess[];
  proxy: RoundRobinProxy;
  /** One console line per process: which does what, where. */
  describe(): string[];
  /** Resolves with the message when a process's crash loop made its supervisor give up. */
  gaveUp: Promise<string>;
  /** Stops restarting processes that exit and stops them (call first when shutting down). */
  stopSupervising(): void;
  stop(): Promise<void>;
};

export type SplitInput = {
  db: PgConfig;
  cubePort: number;
  sqlPort: number | false;
  apiSecret: string;
  env?: NodeJS.ProcessEnv;
  quiet?: boolean;
  /** The crash-loop rule (tests shorten it); RESTART_POLICY otherwise. */
  restartPolicy?: RestartPolicy;
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
  // A process that fails its first start fails the launch: that is a setting to fix, not a crash.
  const [firstWorker, api1, api2] = await Promise.all([
    spawnRefreshWorker(input),
    spawnApiInstance(input, 0),
    spawnApiInstance(input, 1),
  ]);
  const proxy = await startRoundRobinProxy({ port: input.cubePort, upstreams: ports.apis });
  const worker = superviseProcess({
    first: firstWorker,
    start: () => spawnRefreshWorker(input),
    policy: input.restartPolicy,
  });
  // A dead API instance leaves the rotation at once; restarted, it is warmed up and then let back.
  const superviseApi = (first: CubeProcess, index: 0 | 1) =>
    superviseProcess({
      first,
      policy: input.restartPolicy,
      onExit: () => proxy.hold(first.port, 'process exited'),
      async start() {
        const api = await spawnApiInstance(input, index);
        await warmUpApiInstance(api.apiUrl, input.apiSecret);
        proxy.release(api.port);
        return api;
      },
    });
  const apis = [superviseApi(api1, 0), superviseApi(api2, 1)];
  const all = [worker, ...apis];
  return {
    apiUrl: `${proxy.url}/cubejs-api/v1`,
    worker,
    apis,
    proxy,
    gaveUp: Promise.race(all.map((p) => p.gaveUp)),
    stopSupervising() {
      for (const p of all) void p.stop();
    },
    describe: () => [
      `  Cube proxy:         :${input.cubePort}  round-robin over the API instances that pass /readyz, replays a dropped request`,
      ...apis.map(
        (api, i) =>
          `  Cube API ${i + 1}:         :${api.port}  answers queries from rollups; scheduler off, never builds (pid ${api.current()?.process.pid})`,
      ),
      `  Cube refresh worker: :${worker.port}  builds and refreshes rollups every ${roleEnv('refresh-worker').CUBE_REFRESH_SECONDS} s; no query traffic (pid ${worker.current()?.process.pid})`,
      '  Supervision:        a Cube process that exits is restarted with backoff; 5 crashes in a minute stop the stack',
    ],
    async stop() {
      await proxy.stop();
      await Promise.all(all.map((p) => p.stop()));
    },
  };
}
