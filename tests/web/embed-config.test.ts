/**
 * The embed's configuration (zod) and the token provider contract: what a host gets wrong is
 * named in one message; a provider that throws, returns garbage or an expired token is refused.
 */
import jwt from 'jsonwebtoken';
import { describe, expect, test } from 'vitest';
import {
  callTokenProvider,
  EmbedConfigError,
  EmbedTokenError,
  parseEmbedClientConfig,
  parseEmbedConfig,
  TokenRefusedError,
} from '../../web/embed/config';
import { createCubeTokenHandler } from '../../web/embed/server';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const API = 'http://cube.internal:4000/cubejs-api/v1';

function token(expSeconds: number, nowMs = NOW): { token: string; expiresAt: string } {
  const iat = Math.floor(nowMs / 1000);
  return {
    token: jwt.sign({ sub: 'u1', role: 'admin', iat, exp: iat + expSeconds }, 'secret'),
    expiresAt: new Date((iat + expSeconds) * 1000).toISOString(),
  };
}

/** A provider for the route tests, which run on the real clock. */
const provider = async () => token(600, Date.now());

describe('embed configuration', () => {
  test('a complete configuration gets its defaults', () => {
    const config = parseEmbedConfig({ cubeApiUrl: API, getToken: provider });
    expect(config).toMatchObject({
      cubeApiUrl: API,
      tokenEndpoint: '/api/cube-token',
      timezone: 'UTC',
      theme: {},
      prefetch: true,
    });
  });

  test('no API URL and no token provider: one message naming both', () => {
    expect(() => parseEmbedConfig({})).toThrow(EmbedConfigError);
    let message = '';
    try {
      parseEmbedConfig(undefined);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/cubeApiUrl — missing: the Cube REST API URL/);
    expect(message).toMatch(/getToken — missing: pass getToken/);
  });

  test('wrong values are named: URL, token endpoint, time zone, theme variable', () => {
    const bad = () =>
      parseEmbedConfig({
        cubeApiUrl: 'cube:4000',
        getToken: 'token',
        tokenEndpoint: 'https://evil.example/token',
        timezone: 'Europe/Berlin',
        theme: { accent: 'red' },
      });
    expect(bad).toThrow(/cubeApiUrl — not an http\(s\) URL: "cube:4000"/);
    expect(bad).toThrow(/getToken — not a function/);
    expect(bad).toThrow(/tokenEndpoint — a same-origin path/);
    expect(bad).toThrow(/timezone — only "UTC" is supported/);
    expect(bad).toThrow(/theme\.accent — Invalid key in record/);
  });

  test('the browser part needs no token provider and never carries one', () => {
    const config = parseEmbedClientConfig({ cubeApiUrl: API, theme: { '--accent': '#0a7' } });
    expect(config).toStrictEqual({
      cubeApiUrl: API,
      tokenEndpoint: '/api/cube-token',
      timezone: 'UTC',
      theme: { '--accent': '#0a7' },
    });
  });
});

describe('token provider contract', () => {
  test('a valid provider result passes through', async () => {
    const t = token(600);
    await expect(callTokenProvider(async () => t, NOW)).resolves.toStrictEqual(t);
  });

  test('a provider that throws is named with its message', async () => {
    await expect(
      callTokenProvider(async () => {
        throw new Error('session store down');
      }, NOW),
    ).rejects.toThrow(new EmbedTokenError('The token provider threw: session store down'));
  });

  test('a refusal keeps its status', async () => {
    const refusal = new TokenRefusedError(401, 'Not signed in');
    await expect(
      callTokenProvider(async () => {
        throw refusal;
      }, NOW),
    ).rejects.toBe(refusal);
  });

  test.each([
    ['a bare string', 'eyJ...'],
    ['null', null],
    ['no expiry', { token: 'abc' }],
    ['an expiry that is no time', { token: 'abc', expiresAt: 'tomorrow' }],
  ])('garbage (%s) is refused as no usable token', async (_, value) => {
    await expect(callTokenProvider(async () => value as never, NOW)).rejects.toThrow(
      /^The token provider returned no usable token/,
    );
  });

  test('a token that is not a JWT is refused', async () => {
    await expect(
      callTokenProvider(async () => ({ token: 'opaque', expiresAt: '2030-01-01T00:00:00Z' }), NOW),
    ).rejects.toThrow('The token provider returned a token that is not a JWT with an exp claim');
  });

  test('an expired token is refused, by its exp claim even when expiresAt says otherwise', async () => {
    await expect(callTokenProvider(async () => token(-5), NOW)).rejects.toThrow(
      'The token provider returned an expired token (expired 2026-03-01T11:59:55.000Z)',
    );
    const lying = { ...token(-5), expiresAt: '2030-01-01T00:00:00Z' };
    await expect(callTokenProvider(async () => lying, NOW)).rejects.toThrow(/expired token/);
  });
});

describe('the token route a host mounts', () => {
  test('answers the provider token with the browser API URL', async () => {
    const res = await createCubeTokenHandler({ cubeApiUrl: API, getToken: provider })();
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['apiUrl', 'expiresAt', 'token']);
    expect(body.apiUrl).toBe(API);
  });

  test('a refusal is its status; a broken provider or config a 500 naming it', async () => {
    const refused = await createCubeTokenHandler({
      cubeApiUrl: API,
      getToken: async () => {
        throw new TokenRefusedError(403, 'Only admins');
      },
    })();
    expect(refused.status).toBe(403);
    expect(await refused.json()).toStrictEqual({ error: 'Only admins' });

    const garbage = await createCubeTokenHandler({ cubeApiUrl: API, getToken: async () => 42 })();
    expect(garbage.status).toBe(500);
    expect(((await garbage.json()) as { error: string }).error).toMatch(/no usable token/);

    const noProvider = await createCubeTokenHandler({ cubeApiUrl: API })();
    expect(noProvider.status).toBe(500);
    expect(((await noProvider.json()) as { error: string }).error).toMatch(/getToken — missing/);
  });
});
