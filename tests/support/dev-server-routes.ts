/**
 * Every route the installed Cube DevServer registers, read from the module itself: its
 * `initDevEnv` runs against a recording app (nothing is served, nothing is written), so a Cube
 * upgrade that adds, renames or removes a route changes this list.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

type DevServerModule = {
  DevServer: new (
    core: unknown,
    options: { externalDbTypeFn: () => string; isReadyForQueryProcessing: () => boolean },
  ) => { initDevEnv(app: unknown, options: Record<string, unknown>): void };
};

export function installedDevServerRoutes(): string[] {
  const { DevServer } =
    require('@cubejs-backend/server-core/dist/src/core/DevServer') as DevServerModule;
  const routes: string[] = [];
  const record =
    (method: string) =>
    (...args: unknown[]) => {
      routes.push(typeof args[0] === 'string' ? `${method} ${args[0]}` : `${method} *`);
    };
  const app = {
    get: record('GET'),
    post: record('POST'),
    put: record('PUT'),
    delete: record('DELETE'),
    patch: record('PATCH'),
    use: record('USE'),
    all: record('ALL'),
  };
  const fakeCore = { event: async () => undefined, repository: {}, coreServerVersion: null };
  const log = console.log;
  console.log = () => undefined; // initDevEnv prints a demo token and banners
  try {
    new DevServer(fakeCore, {
      externalDbTypeFn: () => 'postgres',
      isReadyForQueryProcessing: () => true,
    }).initDevEnv(app, { apiSecret: 'route-listing-only', basePath: '/cubejs-api' });
  } finally {
    console.log = log;
  }
  return routes;
}
