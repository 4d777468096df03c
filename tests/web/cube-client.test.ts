/**
 * The browser's Cube client: token fetched lazily and shared, refreshed before expiry and
 * after a 403, Cube's error message surfaced.
 */
import { describe, expect, test, vi } from 'vitest';
import { topTemplatesAllTimeQuery } from '../../web/lib/analytics/queries';
import { CubeRequestError, createCubeLoader } from '../../web/lib/cube/client';
import { cubeError, fakeCube, ok } from './helpers/cubeFixtures';

const API = 'http://cube.test/cubejs-api/v1';
const query = topTemplatesAllTimeQuery(10);

function tokens(now: () => number, ttlMs = 600_000) {
  let n = 0;
  return vi.fn(async () => {
    n += 1;
    return { token: `token-${n}`, apiUrl: API, expiresAt: new Date(now() + ttlMs).toISOString() };
  });
}

describe('createCubeLoader', () => {
  test('sends the token as Authorization and returns the multi envelope', async () => {
    const cube = fakeCube(() => ok('top-templates-all'));
    const now = () => Date.parse('2026-11-20T14:00:00Z');
    const fetchToken = tokens(now);
    const loader = createCubeLoader({ fetchToken, now, transport: () => cube.transport });
    const response = await loader.load(query);
    expect(response.queryType).toBe('regularQuery');
    expect(response.results[0]?.data).toHaveLength(10);
    expect(cube.authorizations).toStrictEqual(['token-1']);
    expect(cube.calls[0]).toMatchObject({ timezone: 'UTC', limit: 10 });
  });

  test('concurrent requests share one token fetch', async () => {
    const cube = fakeCube(() => ok('top-templates-all'));
    const now = () => 0;
    const fetchToken = tokens(now);
    const loader = createCubeLoader({ fetchToken, now, transport: () => cube.transport });
    await Promise.all([loader.load(query), loader.load(query), loader.load(query)]);
    expect(fetchToken).toHaveBeenCalledTimes(1);
  });

  test('the token is refreshed shortly before it expires', async () => {
    const cube = fakeCube(() => ok('top-templates-all'));
    let t = Date.parse('2026-11-20T14:00:00Z');
    const now = () => t;
    const fetchToken = tokens(now);
    const loader = createCubeLoader({ fetchToken, now, transport: () => cube.transport });
    await loader.load(query);
    t += 8 * 60_000; // 2 minutes left: still fresh
    await loader.load(query);
    t += 90_000; // 30 s left: inside the refresh margin
    await loader.load(query);
    expect(fetchToken).toHaveBeenCalledTimes(2);
    expect(cube.authorizations).toStrictEqual(['token-1', 'token-1', 'token-2']);
  });

  test('a 403 from Cube (expired or revoked token) refreshes the token and retries once', async () => {
    const cube = fakeCube((_q, i) =>
      i === 0 ? cubeError(403, 'Invalid token') : ok('top-templates-all'),
    );
    const now = () => 0;
    const fetchToken = tokens(now);
    const loader = createCubeLoader({ fetchToken, now, transport: () => cube.transport });
    const response = await loader.load(query);
    expect(response.results[0]?.data).toHaveLength(10);
    expect(cube.authorizations).toStrictEqual(['token-1', 'token-2']);
  });

  test('a second 403 is reported with Cube’s message', async () => {
    const cube = fakeCube(() => cubeError(403, 'Invalid token'));
    const now = () => 0;
    const loader = createCubeLoader({
      fetchToken: tokens(now),
      now,
      transport: () => cube.transport,
    });
    await expect(loader.load(query)).rejects.toStrictEqual(
      new CubeRequestError('Invalid token', 403),
    );
    expect(cube.calls).toHaveLength(2);
  });

  test('a Cube query error keeps its status and message and is not retried', async () => {
    const message = "Error: 'template_leaderboard.lifetime_uses' not found for path";
    const cube = fakeCube(() => cubeError(400, message));
    const now = () => 0;
    const loader = createCubeLoader({
      fetchToken: tokens(now),
      now,
      transport: () => cube.transport,
    });
    const error = await loader.load(query).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CubeRequestError);
    expect(error).toMatchObject({ status: 400, message });
    expect(cube.calls).toHaveLength(1);
  });

  test('a malformed token response is an error before any Cube request', async () => {
    const cube = fakeCube(() => ok('top-templates-all'));
    const loader = createCubeLoader({
      fetchToken: async () => ({ token: '', apiUrl: 'nope' }),
      transport: () => cube.transport,
    });
    await expect(loader.load(query)).rejects.toThrow();
    expect(cube.calls).toHaveLength(0);
  });
});
