// @vitest-environment node
/**
 * The MCP token store and the query checks, without a stack: tokens in a temporary file, the
 * query checked against a hand-built list of views. The e2e (tests/e2e/mcp.test.ts) runs both
 * against the real web app and Cube.
 */
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import type { MetaView } from '../../web/lib/mcp/cube';
import { MCP_MAX_ROWS, nearest, queryInputSchema, toCubeQuery } from '../../web/lib/mcp/query';
import {
  authenticateMcp,
  createMcpToken,
  listMcpTokens,
  revokeMcpToken,
} from '../../web/lib/mcp/tokens';

const dir = await mkdtemp(path.join(os.tmpdir(), 'mcp-tokens-'));
const file = path.join(dir, 'tokens.json');
afterAll(() => rm(dir, { recursive: true, force: true }));
const env = { ADMIN_EMAIL: 'boss@example.com', MEMBER_EMAIL: 'dev@example.com' };
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 10);

describe('MCP tokens', () => {
  test('a created token authenticates its admin owner until it expires', async () => {
    const { token, record } = await createMcpToken({
      file,
      sub: 'boss@example.com',
      label: 'laptop',
      days: 7,
      nowMs: T0,
    });
    expect(token).toMatch(/^mcp_[a-f0-9]{16}_[A-Za-z0-9_-]{43}$/);
    expect(await readFile(file, 'utf8')).not.toContain(token.split('_').slice(2).join('_'));
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const at = (nowMs: number) => authenticateMcp(`Bearer ${token}`, { file, nowMs, env });
    expect(await at(T0 + DAY)).toEqual({
      ok: true,
      caller: { sub: 'boss@example.com', tokenId: record.id },
    });
    expect(await at(T0 + 7 * DAY)).toMatchObject({
      ok: false,
      status: 401,
      error: 'Token expired',
    });
  });

  test('revoked, forged, foreign and missing tokens are refused; a member owner gets 403', async () => {
    const { token, record } = await createMcpToken({
      file,
      sub: 'boss@example.com',
      label: 'x',
      days: 1,
      nowMs: T0,
    });
    const auth = (header: string | null) => authenticateMcp(header, { file, nowMs: T0 + 1, env });
    expect(await auth(null)).toMatchObject({ status: 401 });
    expect(await auth('Bearer eyJhbGciOiJIUzI1NiJ9.e30.x')).toMatchObject({ status: 401 });
    expect(await auth(`Bearer mcp_${record.id}_${'A'.repeat(43)}`)).toMatchObject({
      status: 401,
      error: 'Unknown token',
    });
    expect(await revokeMcpToken({ file, sub: 'dev@example.com', id: record.id, nowMs: T0 })).toBe(
      false,
    );
    expect(await auth(`Bearer ${token}`)).toMatchObject({ ok: true });
    expect(await revokeMcpToken({ file, sub: 'boss@example.com', id: record.id, nowMs: T0 })).toBe(
      true,
    );
    expect(await auth(`Bearer ${token}`)).toMatchObject({ status: 401, error: 'Token revoked' });
    const member = await createMcpToken({
      file,
      sub: 'dev@example.com',
      label: 'm',
      days: 1,
      nowMs: T0,
    });
    expect(await auth(`Bearer ${member.token}`)).toMatchObject({ status: 403 });
    expect((await listMcpTokens(file, 'boss@example.com')).map((r) => r.label)).toEqual([
      'x',
      'laptop',
    ]);
  });
});

const member = (name: string, type: string) => ({ name, type });
const VIEWS: MetaView[] = [
  {
    name: 'exports_overview',
    measures: [member('exports_overview.exports', 'number')],
    dimensions: [
      member('exports_overview.format', 'string'),
      member('exports_overview.created_at', 'time'),
    ],
    segments: [],
  },
  {
    name: 'prompts',
    measures: [member('prompts.prompts', 'number')],
    dimensions: [member('prompts.created_at', 'time')],
    segments: [],
  },
];
const check = (input: unknown) => () => toCubeQuery(queryInputSchema.parse(input), VIEWS);

describe('query checks', () => {
  test('nearest names, closest first', () => {
    expect(
      nearest('exports_overview.export', ['prompts.prompts', 'exports_overview.exports']),
    ).toEqual(['exports_overview.exports', 'prompts.prompts']);
  });

  test('unknown members, a reversed range, order outside the query: all said at once', () => {
    expect(
      check({
        measures: ['exports_overview.export'],
        timeDimension: {
          dimension: 'exports_overview.format',
          dateRange: ['2026-02-01', '2026-01-01'],
        },
        order: [{ member: 'prompts.prompts', direction: 'desc' }],
      }),
    ).toThrow(
      /Unknown measure "exports_overview.export". Nearest valid: exports_overview.exports[\s\S]*Unknown time dimension "exports_overview.format". Nearest valid: exports_overview.created_at[\s\S]*reversed[\s\S]*Cannot order by prompts.prompts/,
    );
  });

  test('a valid query asks one row more than it shows', () => {
    expect(
      check({
        measures: ['exports_overview.exports'],
        timeDimension: { dimension: 'exports_overview.created_at', granularity: 'month' },
      })(),
    ).toMatchObject({
      measures: ['exports_overview.exports'],
      timeDimensions: [{ dimension: 'exports_overview.created_at', granularity: 'month' }],
      limit: MCP_MAX_ROWS + 1,
      timezone: 'UTC',
    });
    expect(check({ measures: ['prompts.prompts'], limit: 5 })()).toMatchObject({ limit: 5 });
  });
});
