/**
 * Which of Cube's DevServer routes (`@cubejs-backend/server-core`'s `dist/src/core/DevServer.js`)
 * the Playground gets here, in one place. DevServer itself is never mounted: the two `served`
 * routes are answered by our own read-only handlers (`mount.ts`), every other `/playground/*`
 * path is refused whatever the token. `tests/engine/playground.test.ts` lists the routes of the
 * installed DevServer and fails on any route missing from this table, so a Cube upgrade that adds
 * one stays refused and breaks the build until someone classifies it here.
 */

export type RouteVerdict =
  | { readonly verdict: 'served'; readonly why: string }
  | { readonly verdict: 'refused'; readonly why: string };

const served = (why: string): RouteVerdict => ({ verdict: 'served', why });
const refused = (why: string): RouteVerdict => ({ verdict: 'refused', why });

/** Keyed by `METHOD path` exactly as DevServer registers it. */
export const DEV_SERVER_ROUTES: Readonly<Record<string, RouteVerdict>> = {
  'GET /playground/context': served(
    'the front end reads its settings and Cube token here; ours hands out the signed-in admin token',
  ),
  'GET /playground/files': served('the Data Model page lists the model files (read-only)'),

  'GET /playground/db-schema': refused('connection wizard: reads the whole database catalogue'),
  'POST /playground/generate-schema': refused('writes (and empties) the model folders'),
  'GET /playground/dashboard-app-create-status': refused('dashboard-app scaffolding'),
  'GET /playground/start-dashboard-app': refused('starts an npm process'),
  'GET /playground/dashboard-app-status': refused('dashboard-app scaffolding'),
  'GET /playground/driver': refused('connection wizard: driver install status'),
  'POST /playground/driver': refused('runs npm install'),
  'POST /playground/apply-template-packages': refused('downloads templates and runs npm install'),
  'GET /playground/manifest': refused('downloads the template manifest from GitHub'),
  'GET /playground/live-preview/start/:token': refused('starts a Cube Cloud watcher'),
  'GET /playground/live-preview/stop': refused('Cube Cloud live preview'),
  'GET /playground/live-preview/status': refused('Cube Cloud live preview'),
  'POST /playground/live-preview/token': refused('Cube Cloud live preview'),
  'POST /playground/test-connection': refused('changes process.env and opens connections'),
  'POST /playground/env': refused('writes .env and package.json, resets Cube'),
  'POST /playground/token': refused('signs any payload with the API secret: a token for anyone'),
  'POST /playground/schema/pre-aggregation': refused('writes model files'),
};

/** DevServer's catch-all `app.use(serveStatic(playground/))`: served by `mount.ts`, gated. */
export const DEV_SERVER_STATIC = 'USE *';

export function verdictFor(method: string, routePath: string): RouteVerdict | undefined {
  return DEV_SERVER_ROUTES[`${method.toUpperCase()} ${routePath}`];
}
