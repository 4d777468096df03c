/**
 * Cube Playground served by our Cube in production mode: who gets in (only admins, through the
 * hand-off), and what every DevServer route does (served read-only or refused, per
 * `cube/playground/policy.ts`, for every route the installed DevServer registers).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import jwt from 'jsonwebtoken';
import { describe, expect, inject, test } from 'vitest';
import { signCubeToken } from '../../cube/auth';
import { DEV_SERVER_ROUTES, DEV_SERVER_STATIC } from '../../cube/playground/policy';
import { installedDevServerRoutes } from '../support/dev-server-routes';

const { apiUrl, apiSecret } = inject('cube');
const origin = new URL(apiUrl).origin;
const installed = installedDevServerRoutes();

const adminHandOff = () => signCubeToken(apiSecret, { sub: 'test-admin', role: 'admin' }, 60);
const memberHandOff = () => signCubeToken(apiSecret, { sub: 'test-member', role: 'member' }, 60);
const expiredAdmin = () =>
  jwt.sign(
    {
      sub: 'test-admin',
      role: 'admin',
      iat: Math.floor(Date.now() / 1000) - 120,
      exp: Math.floor(Date.now() / 1000) - 60,
    },
    apiSecret,
    { algorithm: 'HS256' },
  );

/** Exchanges a hand-off token for the Playground's session cookie (`name=value`). */
async function signIn(
  token: string,
): Promise<{ status: number; cookie: string | null; location: string | null }> {
  const res = await fetch(`${origin}/playground/sign-in?token=${encodeURIComponent(token)}`, {
    redirect: 'manual',
  });
  const setCookie = res.headers.get('set-cookie');
  return {
    status: res.status,
    cookie: setCookie ? (setCookie.split(';')[0] ?? null) : null,
    location: res.headers.get('location'),
  };
}

async function adminCookie(): Promise<string> {
  const { cookie } = await signIn(adminHandOff());
  if (!cookie) throw new Error('admin sign-in set no cookie');
  return cookie;
}

describe('route classification', () => {
  test('every route of the installed DevServer is classified in policy.ts', () => {
    const unclassified = installed.filter(
      (r) => r !== DEV_SERVER_STATIC && DEV_SERVER_ROUTES[r] === undefined,
    );
    expect(unclassified).toEqual([]);
    expect(installed).toContain(DEV_SERVER_STATIC);
  });
  test('policy.ts names no route DevServer does not have', () => {
    expect(Object.keys(DEV_SERVER_ROUTES).filter((r) => !installed.includes(r))).toEqual([]);
  });
  test('only read-only routes are served', () => {
    const served = Object.entries(DEV_SERVER_ROUTES)
      .filter(([, v]) => v.verdict === 'served')
      .map(([r]) => r);
    expect(served.every((r) => r.startsWith('GET '))).toBe(true);
  });
});

describe('every DevServer route against the running Cube, signed in as admin', () => {
  const routes = installed.filter((r) => r !== DEV_SERVER_STATIC);
  test.each(routes)('%s', async (route) => {
    const [method = 'GET', routePath = '/'] = route.split(' ');
    const cookie = await adminCookie();
    const res = await fetch(`${origin}${routePath.replace(/:(\w+)/g, 'x')}`, {
      method,
      // The admin's session and an admin bearer token: a refusal cannot be an auth failure.
      headers: { cookie, authorization: adminHandOff(), 'content-type': 'application/json' },
      body:
        method === 'POST'
          ? JSON.stringify({
              variables: { CUBEJS_DB_TYPE: 'postgres' },
              payload: { role: 'admin' },
              tables: [['public', 'users']],
              format: 'yaml',
              driver: 'postgres',
            })
          : undefined,
    });
    if (DEV_SERVER_ROUTES[route]?.verdict === 'served') {
      expect(res.status).toBe(200);
    } else {
      expect([403, 404]).toContain(res.status);
      const body = (await res.json()) as { error: string };
      expect(body.error).toMatch(/Refused|Not found/);
    }
  });
  test('nothing was written: no .env, no generated model folder', () => {
    const root = path.resolve(import.meta.dirname, '..', '..');
    expect(existsSync(path.join(root, '.env'))).toBe(false);
    expect(existsSync(path.join(root, 'model', 'views', 'example_view.yml'))).toBe(false);
    expect(existsSync(path.join(root, 'model', 'cubes', 'users.yml'))).toBe(false);
  });
});

describe('who gets in', () => {
  test('an admin hand-off sets an httpOnly session cookie and opens the query builder', async () => {
    const query = JSON.stringify({ measures: ['exports_overview.exports'] });
    const res = await fetch(
      `${origin}/playground/sign-in?token=${adminHandOff()}&query=${encodeURIComponent(query)}`,
      { redirect: 'manual' },
    );
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/#/build?query=${encodeURIComponent(query)}`);
    expect(res.headers.get('set-cookie')).toMatch(/HttpOnly/i);
    expect(res.headers.get('set-cookie')).toMatch(/SameSite=Lax/i);
  });

  test('the admin gets the UI, its context with an admin token Cube accepts, and the model files', async () => {
    const cookie = await adminCookie();
    const page = await fetch(`${origin}/`, { headers: { cookie } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<div id="playground-root">');
    expect(html).not.toContain('<script>'); // the Segment snippet is gone: no inline script
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");

    const context = (await (
      await fetch(`${origin}/playground/context`, { headers: { cookie } })
    ).json()) as {
      cubejsToken: string;
      basePath: string;
      shouldStartConnectionWizardFlow: boolean;
    };
    expect(context.basePath).toBe('/cubejs-api');
    expect(context.shouldStartConnectionWizardFlow).toBe(false);
    const meta = await fetch(`${apiUrl}/meta`, { headers: { authorization: context.cubejsToken } });
    expect(meta.status).toBe(200);

    const files = (await (
      await fetch(`${origin}/playground/files`, { headers: { cookie } })
    ).json()) as {
      files: Array<{ fileName: string; content: string }>;
    };
    expect(files.files.map((f) => f.fileName)).toContain('views/exports_overview.yml');
  });

  const handOffs: Array<[string, () => string, number]> = [
    ['member', memberHandOff, 403],
    ['expired', expiredAdmin, 401],
    [
      'forged',
      () => signCubeToken('another-secret-another-secret', { sub: 'x', role: 'admin' }),
      401,
    ],
  ];
  test.each(handOffs)(
    'a %s hand-off token is refused and sets no cookie',
    async (_who, token, status) => {
      const res = await fetch(`${origin}/playground/sign-in?token=${encodeURIComponent(token())}`, {
        redirect: 'manual',
      });
      expect(res.status).toBe(status);
      expect(res.headers.get('set-cookie')).toBeNull();
      expect(await res.text()).toContain('Cube Playground is for signed-in admins');
    },
  );

  const sessions: Array<[string, () => string | null, number]> = [
    ['anonymous', () => null, 401],
    ['expired session', () => `cube_playground=${expiredAdmin()}`, 401],
    [
      'member session',
      () => `cube_playground=${signCubeToken(apiSecret, { sub: 'm', role: 'member' })}`,
      403,
    ],
    ['bearer token instead of a session', () => null, 401],
  ];
  test.each(sessions)(
    '%s: refused with a clear page, never the UI',
    async (who, cookie, status) => {
      const value = cookie();
      const headers: Record<string, string> = value ? { cookie: value } : {};
      if (who.startsWith('bearer')) headers.authorization = adminHandOff();
      const page = await fetch(`${origin}/`, { headers });
      expect(page.status).toBe(status);
      const html = await page.text();
      expect(html).toContain('Cube Playground is for signed-in admins');
      expect(html).not.toContain('playground-root');
      const context = await fetch(`${origin}/playground/context`, { headers });
      expect(context.status).toBe(status);
      expect(await context.text()).not.toContain('cubejsToken');
      expect((await fetch(`${origin}/index.html`, { headers })).status).toBe(status);
      expect((await fetch(`${origin}/antd.min.css`, { headers })).status).toBe(status);
    },
  );

  test('sign-out clears the cookie', async () => {
    const res = await fetch(`${origin}/playground/sign-out`, {
      headers: { cookie: await adminCookie() },
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('set-cookie')).toMatch(/cube_playground=;.*Max-Age=0/i);
  });

  test('Cube’s API routes are untouched by the Playground', async () => {
    expect((await fetch(`${origin}/readyz`)).status).toBe(200);
    expect((await fetch(`${apiUrl}/meta`)).status).toBe(403);
  });
});
