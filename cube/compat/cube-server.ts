/**
 * PATCHES `@cubejs-backend/server` `CubejsServer` (dist/src/server.js): `createCoreInstance`
 * (the hardened core, gateway.ts), `listen` (its HTTP server's `request` listener) and `close`;
 * and loads the `cors` package out of Cube's own dependency tree.
 *
 * WHY:
 * - `listen`: the front door (cube/hardening/front-door.ts) goes ahead of the Express app Cube's
 *   server listens with, so a kept `GET /load` is answered without Express running. The headers
 *   Express's app-level middlewares would write are written by the same `cors` middleware Cube
 *   puts first on its app (same package and version: Cube's dependency, not the project's).
 * - `close`: Cube's `close()` calls `promisify(this.server.close)()`, unbound: on Node ≥ 19
 *   `Server.close` uses `this` and throws. Binding it first lets Cube's own shutdown run
 *   (connections released).
 *
 * GAIN: the front door carries BENCHMARKS.md's "Cube result-cache hit, one query" row
 * (bench/results/history.md, "Kept answers ahead of Cube's middlewares, and one request per tab
 * state"); `close` is a fix, not a speed-up.
 *
 * OFF: the front door stays out with a graceful shutdown configured
 * (`CUBEJS_GRACEFUL_SHUTDOWN`) or with a CORS origin callback, and serves nothing with the result
 * fast path off (`CUBE_RESULT_CACHE_SECONDS=0`). Fingerprinted in tests/compat/cube-compat.test.ts.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { CubejsServer, type CubejsServerCore } from '../engine/cube-modules';
import { frontDoor } from '../hardening/front-door';
import { HardenedCore } from './gateway';

type CoreCtorArgs = ConstructorParameters<typeof CubejsServerCore>;

/** The `cors` middleware Cube's server puts first on its app (the same package and version). */
type CorsMiddleware = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;
const corsOfCube = createRequire(createRequire(import.meta.url).resolve('@cubejs-backend/server'))(
  'cors',
) as (options: unknown) => CorsMiddleware;

/** The stock Cube server with the hardened gateway. */
export class HardenedCubeServer extends CubejsServer {
  protected override createCoreInstance(
    ...args: CoreCtorArgs
  ): InstanceType<typeof CubejsServerCore> {
    return new HardenedCore(...args);
  }

  /**
   * Puts the front door (front-door.ts) ahead of the Express app Cube's server listens with.
   * Not with a graceful shutdown configured (its middleware refuses requests while stopping),
   * nor with an origin callback (`cors` may then answer later than the response is written).
   */
  override async listen(...args: Parameters<InstanceType<typeof CubejsServer>['listen']>) {
    const started = await super.listen(...args);
    const corsOptions = this.config.http.cors;
    if (this.config.gracefulShutdown || typeof corsOptions?.origin === 'function') return started;
    const { server } = started;
    const app = started.app as unknown as RequestListener;
    const listeners = server.listeners('request') as RequestListener[];
    if (!listeners.includes(app)) return started;
    const gateway = (this.core as unknown as HardenedCore).hardenedGateway();
    const cors = corsOfCube(corsOptions);
    // With fixed options `cors` sets its headers and calls back at once.
    const headers = (req: IncomingMessage, res: ServerResponse) => cors(req, res, () => undefined);
    const front = frontDoor(
      gateway.loadPath,
      (req, res, params) => gateway.serveKeptAnswer(req, res, params, headers),
      app,
    );
    // In place of the app, the others (the graceful stop's request count) kept in their order.
    server.removeAllListeners('request');
    for (const listener of listeners) server.on('request', listener === app ? front : listener);
    return started;
  }

  /** Cube's own shutdown, with its HTTP server's `close` bound first (see above). */
  override async close(...args: Parameters<InstanceType<typeof CubejsServer>['close']>) {
    const http = (this as unknown as { server?: { close: (...a: unknown[]) => unknown } }).server;
    if (http) http.close = http.close.bind(http);
    return super.close(...args);
  }
}
