/**
 * Cube Playground in production mode: the compiled front end that ships in
 * `@cubejs-backend/server-core/playground`, served at the Cube port's root to signed-in admins
 * only, with the two read-only `/playground/*` routes it needs answered here. Cube's DevServer is
 * never mounted (it would bring file-writing, env-changing and npm-running routes without auth);
 * `policy.ts` is the one list of what is served and what is refused.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { verdictFor } from './policy';
import { RUN_ON_ARRIVAL_JS, RUN_ON_ARRIVAL_PATH, withRunOnArrival } from './run-on-arrival';
import {
  checkPlaygroundToken,
  PLAYGROUND_COOKIE,
  PLAYGROUND_SESSION_SECONDS,
  type PlaygroundAccess,
  playgroundSessionToken,
} from './session';

const require = createRequire(import.meta.url);

type CookieModule = {
  parse(header: string): Record<string, string | undefined>;
  serialize(
    name: string,
    value: string,
    options: {
      httpOnly: boolean;
      sameSite: 'lax';
      path: string;
      maxAge: number;
      secure: boolean;
    },
  ): string;
};
type Next = (error?: unknown) => void;
type Handler = (req: IncomingMessage, res: ServerResponse, next: Next) => void;
type ServeStatic = (root: string, options: Record<string, unknown>) => Handler;

const cookie = require('cookie') as CookieModule;
const serveStatic = require('serve-static') as ServeStatic;

export const PLAYGROUND_DIR = path.join(
  path.dirname(require.resolve('@cubejs-backend/server-core/package.json')),
  'playground',
);

/**
 * What the Playground's pages need (measured in Chromium): its module scripts, antd's inline
 * styles, blob: workers, data: fonts and images, and fetches to this origin only.
 */
export const PLAYGROUND_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "frame-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "object-src 'none'",
].join('; ');

/** The subset of Express's app this module registers on (Cube's own Express 4 app). */
export interface PlaygroundApp {
  use(path: string, handler: Handler): unknown;
}

/** What the `/playground/*` handlers read from Cube's core. */
export interface PlaygroundCore {
  readonly coreServerVersion: string | null;
  readonly repository: {
    dataSchemaFiles(): Promise<ReadonlyArray<{ fileName: string; content: string }>>;
  };
}

export interface PlaygroundSettings {
  readonly apiSecret: string;
  /** Cube's REST base path (`/cubejs-api`). */
  readonly basePath: string;
  /** The web app's Analytics tab, linked from the refusal page. */
  readonly webUrl: string;
}

export function mountPlayground(
  app: PlaygroundApp,
  core: PlaygroundCore,
  settings: PlaygroundSettings,
): void {
  const index = withRunOnArrival(playgroundIndexHtml());
  const staticFiles = new Set(listFiles(PLAYGROUND_DIR));
  const assets = serveStatic(PLAYGROUND_DIR, { index: false, fallthrough: false, etag: false });

  const access = (req: IncomingMessage): Promise<PlaygroundAccess> =>
    checkPlaygroundToken(
      cookie.parse(req.headers.cookie ?? '')[PLAYGROUND_COOKIE],
      settings.apiSecret,
    );

  app.use('/playground', (req, res, next) => {
    void (async () => {
      const route = new URL(req.url ?? '/', 'http://x').pathname;
      const method = req.method ?? 'GET';
      res.setHeader('Cache-Control', 'no-store');
      if (route === '/sign-in' && method === 'GET') return signIn(req, res);
      if (route === '/sign-out' && method === 'GET') return signOut(req, res);
      const verdict = verdictFor(method, `/playground${route}`);
      if (!verdict) return sendJson(res, 404, { error: 'Not found' });
      if (verdict.verdict === 'refused') {
        return sendJson(res, 403, {
          error: `Refused: this Playground is read-only (${verdict.why}).`,
        });
      }
      const who = await access(req);
      if (!who.ok) return sendJson(res, who.status, { error: who.reason });
      if (route === '/context') {
        return sendJson(res, 200, {
          cubejsToken: who.token,
          basePath: settings.basePath,
          anonymousId: null,
          coreServerVersion: core.coreServerVersion,
          dockerVersion: null,
          projectFingerprint: null,
          dbType: null,
          shouldStartConnectionWizardFlow: false,
          livePreview: false,
          isDocker: false,
          telemetry: false,
          identifier: '',
          previewFeatures: false,
        });
      }
      const files = await core.repository.dataSchemaFiles();
      return sendJson(res, 200, {
        files: files.map((f) => ({ fileName: f.fileName, content: f.content })),
      });
    })().catch(next);
  });

  app.use('/', (req, res, next) => {
    const route = new URL(req.url ?? '/', 'http://x').pathname;
    const isIndex = route === '/' || route === '/index.html';
    const isRunOnArrival = route === RUN_ON_ARRIVAL_PATH;
    if (!isIndex && !isRunOnArrival && !staticFiles.has(route)) return next();
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    void access(req)
      .then((who) => {
        res.setHeader('Content-Security-Policy', PLAYGROUND_CSP);
        if (!who.ok) return sendRefusal(res, who.status, who.reason, settings.webUrl);
        if (isRunOnArrival) {
          res.statusCode = 200;
          res.setHeader('Content-Type', 'text/javascript; charset=utf-8');
          res.setHeader('Cache-Control', 'no-store');
          return res.end(RUN_ON_ARRIVAL_JS);
        }
        if (!isIndex) return assets(req, res, next);
        res.statusCode = 200;
        res.setHeader('Content-Type', 'text/html; charset=utf-8');
        res.setHeader('Cache-Control', 'no-store');
        res.end(index);
      })
      .catch(next);
  });

  async function signIn(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const params = new URL(req.url ?? '/', 'http://x').searchParams;
    res.setHeader('Content-Security-Policy', PLAYGROUND_CSP);
    const who = await checkPlaygroundToken(params.get('token') ?? undefined, settings.apiSecret);
    if (!who.ok) return sendRefusal(res, who.status, who.reason, settings.webUrl);
    const session = playgroundSessionToken(settings.apiSecret, who.sub);
    res.setHeader(
      'Set-Cookie',
      cookie.serialize(PLAYGROUND_COOKIE, session, {
        httpOnly: true,
        // Lax: the hand-off is a top-level navigation from the web app, possibly another site.
        sameSite: 'lax',
        path: '/',
        maxAge: PLAYGROUND_SESSION_SECONDS,
        secure: isHttps(req),
      }),
    );
    res.statusCode = 303;
    res.setHeader('Location', playgroundHashFor(params.get('query')));
    res.end();
  }

  function signOut(req: IncomingMessage, res: ServerResponse): void {
    res.setHeader(
      'Set-Cookie',
      cookie.serialize(PLAYGROUND_COOKIE, '', {
        httpOnly: true,
        sameSite: 'lax',
        path: '/',
        maxAge: 0,
        secure: isHttps(req),
      }),
    );
    sendRefusal(res, 401, 'You are signed out of Cube Playground.', settings.webUrl);
  }
}

/** `/#/build?query=…` for a query that parses as a JSON object; the empty builder otherwise. */
export function playgroundHashFor(query: string | null): string {
  if (query) {
    try {
      const parsed: unknown = JSON.parse(query);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
        return `/#/build?query=${encodeURIComponent(JSON.stringify(parsed))}`;
      }
    } catch {
      // not JSON: open the empty builder
    }
  }
  return '/#/build';
}

/**
 * The shipped index.html minus its inline Segment snippet, which would load analytics.js from
 * a CDN (this machine is offline, and the page must run under a CSP without inline scripts).
 */
export function playgroundIndexHtml(): string {
  const html = readFileSync(path.join(PLAYGROUND_DIR, 'index.html'), 'utf8');
  return html.replace(/<script>[\s\S]*?<\/script>/g, '');
}

function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const rel = `${prefix}/${entry.name}`;
    if (entry.isDirectory()) return listFiles(path.join(dir, entry.name), rel);
    return rel === '/index.html' ? [] : [rel];
  });
}

function isHttps(req: IncomingMessage): boolean {
  return req.headers['x-forwarded-proto'] === 'https' || 'encrypted' in req.socket;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function sendRefusal(res: ServerResponse, status: number, reason: string, webUrl: string): void {
  const tab = `${webUrl.replace(/\/+$/, '')}/admin/analytics`;
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.end(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Cube Playground: sign-in required</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#1f2330}
h1{font-size:1.4rem}a{color:#4d3fd8}</style></head>
<body><main data-testid="playground-refused">
<h1>Cube Playground is for signed-in admins</h1>
<p>${escapeHtml(reason)}</p>
<p>Sign in to the admin app as an admin, then open the Playground from
<a href="${escapeHtml(tab)}">Admin → Analytics</a> (the “Explore” menu of any widget, or the
“Open Cube Playground” link).</p>
</main></body></html>`);
}
