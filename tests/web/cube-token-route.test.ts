/**
 * GET /api/cube-token: a short-lived admin JWT for a signed-in admin only.
 */
import jwt from 'jsonwebtoken';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { newSession, SESSION_COOKIE, signSession } from '../../web/lib/auth/session';

const cookieJar = new Map<string, string>();
vi.mock('next/headers', () => ({
  cookies: async () => ({
    get: (name: string) => (cookieJar.has(name) ? { name, value: cookieJar.get(name) } : undefined),
  }),
  headers: async () => new Headers(),
}));

const { GET } = await import('../../web/app/api/cube-token/route');

const SESSION_SECRET = 'session-secret-for-tests-0123456789';

beforeEach(() => {
  vi.stubEnv('SESSION_SECRET', SESSION_SECRET);
  vi.stubEnv('CUBEJS_API_SECRET', 'cube-secret');
  vi.stubEnv('CUBE_API_URL', 'http://localhost:4000/cubejs-api/v1');
  cookieJar.clear();
});

afterEach(() => {
  vi.unstubAllEnvs();
});

function signIn(role: 'admin' | 'member') {
  const session = newSession({ email: `${role}@example.com`, name: role, role }, Date.now());
  cookieJar.set(SESSION_COOKIE, signSession(session, SESSION_SECRET));
}

describe('GET /api/cube-token', () => {
  test('401 without a session', async () => {
    const res = await GET();
    expect(res.status).toBe(401);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  test('403 for a signed-in non-admin', async () => {
    signIn('member');
    const res = await GET();
    expect(res.status).toBe(403);
    expect(await res.json()).toStrictEqual({ error: 'Only admins may query analytics' });
  });

  test('an admin gets { token, apiUrl, expiresAt }; the secret never leaves the server', async () => {
    signIn('admin');
    const res = await GET();
    expect(res.status).toBe(200);
    const body = (await res.json()) as { token: string; apiUrl: string; expiresAt: string };
    expect(Object.keys(body).sort()).toStrictEqual(['apiUrl', 'expiresAt', 'token']);
    expect(body.apiUrl).toBe('http://localhost:4000/cubejs-api/v1');
    expect(JSON.stringify(body)).not.toContain('cube-secret');
    const claims = jwt.verify(body.token, 'cube-secret', {
      algorithms: ['HS256'],
    }) as jwt.JwtPayload;
    expect(claims.sub).toBe('admin@example.com');
    expect(claims.role).toBe('admin');
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(600);
    expect(Date.parse(body.expiresAt)).toBe((claims.exp ?? 0) * 1000);
  });

  test('a missing CUBEJS_API_SECRET is a clear server error', async () => {
    vi.stubEnv('CUBEJS_API_SECRET', '');
    signIn('admin');
    const res = await GET();
    expect(res.status).toBe(500);
    expect(await res.json()).toStrictEqual({
      error: 'The token provider threw: CUBEJS_API_SECRET is not set on the web server',
    });
  });

  test('a session signed with another secret counts as signed out', async () => {
    signIn('admin');
    vi.stubEnv('SESSION_SECRET', 'a-different-secret-0123456789');
    expect((await GET()).status).toBe(401);
  });
});
