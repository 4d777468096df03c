import jwt from 'jsonwebtoken';
import { describe, expect, test } from 'vitest';
import { accountByCredentials, accounts } from '../../web/lib/auth/accounts';
import { mintCubeToken } from '../../web/lib/auth/cubeToken';
import { newSession, safeReturnPath, signSession, verifySession } from '../../web/lib/auth/session';
import { cubeApiUrl } from '../../web/lib/env';

const SECRET = 'session-secret-for-tests-0123456789';
const NOW = Date.parse('2026-11-20T14:00:00Z');
const admin = { email: 'admin@example.com', name: 'Demo admin', role: 'admin' as const };

describe('session cookie', () => {
  test('round trip', () => {
    const session = newSession(admin, NOW);
    expect(verifySession(signSession(session, SECRET), SECRET, NOW)).toStrictEqual(session);
  });

  test('expired, forged, tampered and malformed cookies are rejected', () => {
    const value = signSession(newSession(admin, NOW), SECRET);
    expect(verifySession(value, SECRET, NOW + 9 * 3_600_000)).toBeNull();
    expect(verifySession(value, 'another-secret-0123456789', NOW)).toBeNull();
    const [payload, mac] = value.split('.');
    const forged = Buffer.from(
      JSON.stringify({ ...newSession(admin, NOW), role: 'admin', sub: 'mallory@example.com' }),
    ).toString('base64url');
    expect(verifySession(`${forged}.${mac}`, SECRET, NOW)).toBeNull();
    expect(verifySession(`${payload}`, SECRET, NOW)).toBeNull();
    expect(verifySession(`${payload}.${mac}.x`, SECRET, NOW)).toBeNull();
    expect(verifySession(undefined, SECRET, NOW)).toBeNull();
    expect(verifySession('garbage', SECRET, NOW)).toBeNull();
  });
});

describe('return path after sign-in', () => {
  test.each([
    ['/admin/analytics?tf=30d', '/admin/analytics?tf=30d'],
    ['https://evil.example', '/admin/analytics'],
    ['//evil.example', '/admin/analytics'],
    ['/\\evil.example', '/admin/analytics'],
    [undefined, '/admin/analytics'],
    // Paths that only leave the origin once dot segments are resolved, which a plain prefix check lets through.
    ['/..//evil.example', '/admin/analytics'],
    ['/.//evil.example', '/admin/analytics'],
    ['/a/..//evil.example/x', '/admin/analytics'],
    ['/%2e%2e//evil.example', '/admin/analytics'],
    ['/admin/./analytics/../analytics?tf=7d#top', '/admin/analytics?tf=7d#top'],
  ])('%s → %s', (input, expected) => {
    expect(safeReturnPath(input)).toBe(expected);
  });

  test.each([
    '/..//evil.example',
    '/.//evil.example',
    '/a/..//evil.example',
    '/a/b/../..//evil.example',
    '/%2e//evil.example',
    '/.%2e//evil.example',
    '/..%2f%2fevil.example',
    '/\t//evil.example',
    '/admin/analytics',
  ])('%s becomes a canonical same-origin path (no dot segments, no leading //)', (input) => {
    // Next's client router normalises the redirect target; a path that normalises to `//host`
    // is then protocol-relative, i.e. another origin. The returned path must already be normal.
    const app = 'https://app.example';
    const returned = safeReturnPath(input);
    const resolved = new URL(returned, `${app}/sign-in`);
    expect(resolved.origin).toBe(app);
    expect(resolved.pathname.startsWith('//')).toBe(false);
    expect(`${resolved.pathname}${resolved.search}${resolved.hash}`).toBe(returned);
  });
});

describe('accounts', () => {
  test('demo defaults; passwords only from the environment', () => {
    const list = accounts({});
    expect(list.map((a) => [a.email, a.role, a.password])).toStrictEqual([
      ['admin@example.com', 'admin', null],
      ['member@example.com', 'member', null],
    ]);
    expect(accountByCredentials('admin@example.com', '', {})).toBeNull();
  });

  test('password sign-in with ADMIN_EMAIL / ADMIN_PASSWORD', () => {
    const env = { ADMIN_EMAIL: 'ops@acme.test', ADMIN_PASSWORD: 'correct horse' };
    expect(accountByCredentials('OPS@acme.test ', 'correct horse', env)?.role).toBe('admin');
    expect(accountByCredentials('ops@acme.test', 'wrong', env)).toBeNull();
    expect(accountByCredentials('member@example.com', 'correct horse', env)).toBeNull();
  });
});

describe('Cube token', () => {
  test('HS256, { sub, role: "admin" }, 10 minutes', () => {
    const minted = mintCubeToken({
      sub: 'admin@example.com',
      secret: 'cube-secret',
      apiUrl: 'http://localhost:4000/cubejs-api/v1',
      nowMs: NOW,
    });
    const decoded = jwt.verify(minted.token, 'cube-secret', {
      algorithms: ['HS256'],
      clockTimestamp: NOW / 1000,
    });
    expect(decoded).toStrictEqual({
      sub: 'admin@example.com',
      role: 'admin',
      iat: NOW / 1000,
      exp: NOW / 1000 + 600,
    });
    expect(minted.expiresAt).toBe('2026-11-20T14:10:00.000Z');
    expect(minted.apiUrl).toBe('http://localhost:4000/cubejs-api/v1');
  });

  test.each([
    [{}, 'http://localhost:4000/cubejs-api/v1'],
    [{ CUBE_PORT: '4010' }, 'http://localhost:4010/cubejs-api/v1'],
    [{ CUBE_API_URL: 'http://cube:4000/cubejs-api/v1/' }, 'http://cube:4000/cubejs-api/v1'],
    [
      {
        CUBE_API_URL: 'http://cube:4000/cubejs-api/v1',
        CUBE_PUBLIC_API_URL: 'https://cube.acme.test/cubejs-api/v1',
      },
      'https://cube.acme.test/cubejs-api/v1',
    ],
  ])('Cube URL for %j is %s', (env, url) => {
    expect(cubeApiUrl(env)).toBe(url);
  });
});
