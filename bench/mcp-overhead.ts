/**
 * What an MCP tool call costs over the same Cube query on REST `/load`, warm, interleaved (MCP,
 * REST, MCP, REST, …) so both see the same machine load. Point it at a running stack (`npm
 * start`): it reads the settings `npm start` does (CUBE_PORT, CUBEJS_API_SECRET or the generated
 * secret, WEB_PORT) and writes itself an MCP token into the web app's store (MCP_TOKEN_FILE).
 *
 *   npx tsx bench/mcp-overhead.ts [--n 300] [--warmup 20]
 *
 * Per endpoint and case: the median and p95 of each side and the median of the per-pair
 * differences; then the floor of each hop (the MCP listener's /healthz, the web app's /api/health,
 * Cube's /readyz) for scale. The MCP side is the SDK's client over Streamable HTTP (one JSON-RPC
 * POST: bearer check, a pooled MCP server, input checks, the server's own request to Cube), to
 * the plain listener `npm start` runs on MCP_PORT (`/mcp`) and to the web app's `/api/mcp` route.
 */
import { parseArgs } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { signCubeToken } from '../cube/auth';
import { readCubeEnv } from '../cube/env';
import { CubeClient } from '../lib/cube-client';
import { topTemplatesWindowQuery } from '../web/lib/analytics/queries';
import { cubeQuery } from '../web/lib/cube/query';
import { createMcpToken, mcpTokenFile } from '../web/lib/mcp/tokens';
import { timeframeWindow } from '../web/lib/timeframe';
import { summarize } from './stats';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '300' },
    warmup: { type: 'string', default: '20' },
  },
});
const N = Number(values.n);
const WARMUP = Number(values.warmup);
const cubeEnv = readCubeEnv();
const webUrl = `http://localhost:${process.env.WEB_PORT ?? '3000'}`;
const mcpOrigin = `http://localhost:${process.env.MCP_PORT ?? '3001'}`;
const ENDPOINTS = [
  { name: 'MCP listener /mcp', url: `${mcpOrigin}/mcp` },
  { name: 'web app /api/mcp', url: `${webUrl}/api/mcp` },
];
const cubeUrl = `http://localhost:${cubeEnv.port}/cubejs-api/v1`;

const range = timeframeWindow('30d', Date.now()).dateRange;
/** Each case: the MCP tool call and the Cube query it sends (a ready-made tool: the tab's). */
const CASES = [
  {
    name: 'query: exports by format (30d)',
    tool: 'query',
    args: {
      measures: ['exports_overview.exports'],
      dimensions: ['exports_overview.format'],
      timeDimension: { dimension: 'exports_overview.created_at', dateRange: [...range] },
    },
    rest: cubeQuery({
      measures: ['exports_overview.exports'],
      dimensions: ['exports_overview.format'],
      timeDimensions: [{ dimension: 'exports_overview.created_at', dateRange: range }],
      limit: 201,
      timezone: 'UTC',
    }),
  },
  {
    name: 'top_templates (7d)',
    tool: 'top_templates',
    args: { timeframe: '7d' },
    rest: topTemplatesWindowQuery(timeframeWindow('7d', Date.now()).dateRange, 10),
  },
];

const { token } = await createMcpToken({
  file: mcpTokenFile(),
  sub: process.env.ADMIN_EMAIL || 'admin@example.com',
  label: 'bench',
  days: 1,
  nowMs: Date.now(),
});
const cubeToken = signCubeToken(cubeEnv.apiSecret, { sub: 'bench-mcp', role: 'admin' }, 3600);
const cube = new CubeClient({ apiUrl: cubeUrl, token: () => cubeToken });

const timed = async (run: () => Promise<unknown>) => {
  const t0 = performance.now();
  await run();
  return performance.now() - t0;
};
const fmt = (ms: number) => ms.toFixed(2);

for (const endpoint of ENDPOINTS) {
  const client = new Client({ name: 'bench', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(endpoint.url), {
      requestInit: { headers: { Authorization: `Bearer ${token}` } },
    }),
  );
  console.log(`${endpoint.name} (${endpoint.url}):`);
  for (const c of CASES) {
    const mcp = () =>
      client.callTool({ name: c.tool, arguments: c.args }).then((r) => {
        if (r.isError) throw new Error(`${c.tool}: ${JSON.stringify(r.content)}`);
      });
    const load = () => cube.load(c.rest);
    for (let i = 0; i < WARMUP; i++) {
      await mcp();
      await load();
    }
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < N; i++) {
      a.push(await timed(mcp));
      b.push(await timed(load));
    }
    const sa = summarize(a);
    const sb = summarize(b);
    const diff = summarize(a.map((x, i) => x - (b[i] ?? 0)));
    console.log(
      `  ${c.name}: MCP ${fmt(sa.median)} ms (p95 ${fmt(sa.p95)}), /load ${fmt(sb.median)} ms (p95 ${fmt(sb.p95)}), overhead median ${fmt(diff.median)} ms (n ${N})`,
    );
  }
  // A tool that asks Cube nothing (views come from the /meta kept for 30 s): the MCP path alone.
  const listViews: number[] = [];
  for (let i = 0; i < N; i++) {
    listViews.push(await timed(() => client.callTool({ name: 'list_views', arguments: {} })));
  }
  console.log(
    `  list_views (no Cube request): MCP ${fmt(summarize(listViews).median)} ms (n ${N})`,
  );
  await client.close();
}

// The same top_templates call as one plain JSON-RPC POST to the listener, without the SDK's
// client (its request building, response parsing and result validation), against /load.
{
  const c = CASES[1];
  if (!c) throw new Error('no top_templates case');
  const body = JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    method: 'tools/call',
    params: { name: c.tool, arguments: c.args },
  });
  const post = async () => {
    const res = await fetch(ENDPOINTS[0]?.url ?? '', {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${token}`,
        'Content-Type': 'application/json',
        Accept: 'application/json, text/event-stream',
      },
      body,
    });
    const answer = (await res.json()) as { result?: { isError?: boolean } };
    if (!res.ok || (answer.result?.isError !== false && answer.result?.isError !== undefined)) {
      throw new Error(`raw ${c.tool}: HTTP ${res.status}`);
    }
  };
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < WARMUP; i++) await post();
  for (let i = 0; i < N; i++) {
    a.push(await timed(post));
    b.push(await timed(() => cube.load(c.rest)));
  }
  const diff = summarize(a.map((x, i) => x - (b[i] ?? 0)));
  console.log(
    `plain JSON-RPC POST to ${ENDPOINTS[0]?.url} (no SDK client), ${c.name}: ${fmt(summarize(a).median)} ms, /load ${fmt(summarize(b).median)} ms, overhead median ${fmt(diff.median)} ms (n ${N})`,
  );
}

// The floor of each hop on this machine right now: the web app's and Cube's cheapest answers.
const floor = async (url: string) => {
  const samples: number[] = [];
  for (let i = 0; i < N; i++) {
    samples.push(
      await timed(async () => {
        const res = await fetch(url);
        await res.arrayBuffer();
      }),
    );
  }
  return summarize(samples).median;
};
console.log(
  `floors: MCP listener GET /healthz ${fmt(await floor(`${mcpOrigin}/healthz`))} ms, web app GET /api/health ${fmt(await floor(`${webUrl}/api/health`))} ms, Cube GET /readyz ${fmt(await floor(`http://localhost:${cubeEnv.port}/readyz`))} ms (medians, n ${N})`,
);
