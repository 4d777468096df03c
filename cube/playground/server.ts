/**
 * Cube's server with the Playground on its Express app, for either engine. The Playground is
 * registered ahead of Cube's own routes (the gateway's, and the production placeholder at `/`);
 * Cube's `devServer` option stays off, so none of DevServer's routes exist.
 */
import type { CreateOptions } from '@cubejs-backend/server-core';
import { CubejsServer } from '../engine/cube-modules';
import { mountPlayground, type PlaygroundSettings } from './mount';

export class PlaygroundCubeServer extends CubejsServer {
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
