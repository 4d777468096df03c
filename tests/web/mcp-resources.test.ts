// @vitest-environment node
/**
 * MCP resources on pooled servers: the views a caller's Cube lists are the resources that caller
 * sees, a view of another caller's Cube is "not found" for this one, concurrent reads of different
 * callers each get their own caller's view, and every read is one audit line. Each caller's Cube
 * here is a list of views of its own (the e2e reads the resources from the real Cube).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { z } from 'zod';
import { auditEntrySchema, auditTransport } from '../../web/lib/mcp/audit';
import type { MetaView } from '../../web/lib/mcp/cube';
import { withMcpServer } from '../../web/lib/mcp/pool';
import { VIEWS_RESOURCE_URI, viewResourceUri } from '../../web/lib/mcp/server';
import { callerCube } from './helpers/callerCube';

const view = (name: string): MetaView => ({
  name,
  description: `${name}'s view`,
  measures: [{ name: `${name}.count`, type: 'number', description: 'How many' }],
  dimensions: [{ name: `${name}.created_at`, type: 'time' }],
  segments: [],
});

let dir = '';
let auditLog = '';
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'mcp-resources-'));
  auditLog = path.join(dir, 'audit.jsonl');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** One JSON-RPC request as `caller`, answered by a pooled server behind the audit. */
async function ask(
  caller: string,
  method: string,
  params: Record<string, unknown>,
  delayMs = 0,
): Promise<unknown> {
  const call = { cube: callerCube(view(caller), delayMs), rows: new Map() };
  const response = await withMcpServer(call, async (server) => {
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    await server.connect(transport);
    const writes = auditTransport(transport, { sub: caller, tokenId: `t_${caller}` }, call.rows, {
      MCP_AUDIT_LOG: auditLog,
    });
    try {
      return await transport.handleRequest(
        new Request('http://localhost/api/mcp', {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            accept: 'application/json, text/event-stream',
          },
          body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
        }),
      );
    } finally {
      await Promise.all(writes);
    }
  });
  return response.json();
}

const listSchema = z.object({
  result: z.object({ resources: z.array(z.object({ uri: z.string(), name: z.string() })) }),
});
const readSchema = z.object({
  result: z.object({
    contents: z.array(z.object({ uri: z.string(), mimeType: z.string(), text: z.string() })),
  }),
});
const errorSchema = z.object({ error: z.object({ code: z.number(), message: z.string() }) });

test('each caller lists the overview and its own views only', async () => {
  const callers = Array.from({ length: 12 }, (_, i) => `caller_${i}`);
  const answers = await Promise.all(
    callers.map((caller, i) => ask(caller, 'resources/list', {}, (i * 7) % 11)),
  );
  expect(answers.map((a) => listSchema.parse(a).result.resources.map((r) => r.uri))).toEqual(
    callers.map((caller) => [VIEWS_RESOURCE_URI, viewResourceUri(caller)]),
  );
});

test('concurrent reads on pooled servers each answer with their own caller’s view', async () => {
  const callers = Array.from({ length: 12 }, (_, i) => `reader_${i}`);
  const answers = await Promise.all(
    callers.map((caller, i) =>
      ask(caller, 'resources/read', { uri: viewResourceUri(caller) }, (i * 5) % 7),
    ),
  );
  for (const [i, answer] of answers.entries()) {
    const caller = callers[i] ?? '';
    const { contents } = readSchema.parse(answer).result;
    expect(contents.map((c) => [c.uri, c.mimeType])).toEqual([
      [viewResourceUri(caller), 'text/markdown'],
      [viewResourceUri(caller), 'application/json'],
    ]);
    expect(contents[0]?.text).toContain(`- ${caller}.count (measure, number): How many`);
    expect(JSON.parse(contents[1]?.text ?? '')).toMatchObject({
      view: caller,
      description: `${caller}'s view`,
    });
  }
});

test('a view the caller’s Cube does not list is "not found", in the audit too', async () => {
  const answer = errorSchema.parse(
    await ask('alice', 'resources/read', { uri: viewResourceUri('bob') }),
  );
  expect(answer.error).toEqual({
    code: -32002,
    message: 'Unknown view "bob". Nearest valid: alice.',
  });
  await ask('alice', 'resources/read', { uri: VIEWS_RESOURCE_URI });
  const entries = (await readFile(auditLog, 'utf8'))
    .trim()
    .split('\n')
    .map((line) => auditEntrySchema.parse(JSON.parse(line)));
  const alice = entries.filter((e) => e.sub === 'alice');
  expect(alice.map((e) => [e.tokenId, e.resource, e.ok, e.rows])).toEqual([
    ['t_alice', viewResourceUri('bob'), false, 0],
    ['t_alice', VIEWS_RESOURCE_URI, true, 1],
  ]);
  expect(alice[0]?.error).toBe('Unknown view "bob". Nearest valid: alice.');
  // Lists are not reads: only the reads of the tests above are logged, one line each.
  expect(entries.filter((e) => e.sub.startsWith('reader_')).map((e) => e.rows)).toEqual(
    Array(12).fill(2),
  );
});
