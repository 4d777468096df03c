/**
 * PATCHES `@cubejs-backend/server-core` `CubejsServerCore.prototype.initApp` on the
 *   server's core instance (wrapped: the Playground mounts first).
 * WHY: below. GAIN: not speed (Cube's own `devServer` would expose DevServer's routes).
 * OFF: no switch; the Playground is for signed-in admins only (cube/playground/policy.ts).
 *   Guard: tests/compat/cube-compat.test.ts.
 *
 * Cube's server with the Playground on its Express app, for either engine. The Playground is
 * registered ahead of Cube's own routes (the gateway's, and the production placeholder at `/`);
 * Cube's `devServer` option stays off, so none of DevServer's routes exist.
 */
import type { CreateOptions } from '@cubejs-backend/server';
import { mountPlayground, type PlaygroundSettings } from '../playground/mount';
import { HardenedCubeServer } from './cube-server';

/** The hardened server (auth, bounds, private members refused) with the Playground mounted. */
export class PlaygroundCubeServer extends HardenedCubeServer {
  constructor(options: CreateOptions, playground: PlaygroundSettings) {
    super(options);
    const core = this.core;
    const initApp = core.initApp.bind(core);
    core.initApp = async (app) => {
      mountPlayground(app, core, playground);
      await initApp(app);
    };
  }
}
