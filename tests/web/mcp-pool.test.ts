// @vitest-environment node
/**
 * The MCP server pool lends one built server to many requests: concurrent requests of different
 * callers must each be answered with their own caller's Cube, also when a slow call of one caller
 * is still running while the server it started on has moved on to the next request. Each caller's
 * Cube here is a list of views of its own (the e2e runs the tools against the real Cube).
 */
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { expect, test } from 'vitest';
import { z } from 'zod';
import type { McpCube, MetaView } from '../../web/lib/mcp/cube';
import { withMcpServer } from '../../web/lib/mcp/pool';
import { callerCube } from './helpers/callerCube';

const view = (name: string): MetaView => ({ name, measures: [], dimensions: [], segments: [] });

const answerSchema = z.object({
  result: z.object({
    structuredContent: z.object({ views: z.array(z.object({ name: z.string() })) }),
  }),
});

async function listViews(cube: McpCube): Promise<string[]> {
  const response = await withMcpServer({ cube, rows: new Map() }, async (server) => {
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    await server.connect(transport);
    return transport.handleRequest(
      new Request('http://localhost/api/mcp', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
        },
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          method: 'tools/call',
          params: { name: 'list_views', arguments: {} },
        }),
      }),
    );
  });
  const body = answerSchema.parse(await response.json());
  return body.result.structuredContent.views.map((v) => v.name);
}

test('concurrent requests of different callers each get their own caller’s answer', async () => {
  const callers = Array.from({ length: 24 }, (_, i) => `caller_${i}`);
  // Uneven delays interleave the calls, so servers are lent, returned and lent again meanwhile.
  const answers = await Promise.all(
    callers.map((caller, i) => listViews(callerCube(view(caller), (i * 7) % 11))),
  );
  expect(answers).toEqual(callers.map((caller) => [caller]));
});

test('a server is lent again after its request, and still acts for the new caller', async () => {
  expect(await listViews(callerCube(view('first'), 0))).toEqual(['first']);
  expect(await listViews(callerCube(view('second'), 0))).toEqual(['second']);
});
