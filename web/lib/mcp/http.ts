/**
 * The MCP endpoint's request handling, stateless: every request carries its bearer token, gets its
 * own transport and a server lent from the pool, and is answered as JSON. No session to keep
 * means any instance can answer and a revoked token stops working on its next request.
 *
 * Served twice with the same code: by the web app's Next.js route (`/api/mcp`) and by a plain
 * Node HTTP listener (`mcpListener`, run by `npm start` on MCP_PORT), which skips the Next.js
 * request pipeline — several ms a call in bench/mcp-overhead.ts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { LIMITS } from '../../../cube/limits';
import type { Env } from '../env';
import { auditTransport } from './audit';
import { mcpCube } from './cube';
import { withMcpServer } from './pool';
import { authenticateMcp, mcpTokenFile } from './tokens';

export async function serveMcp(request: Request, env: Env = process.env): Promise<Response> {
  const auth = await authenticateMcp(request.headers.get('authorization'), {
    file: mcpTokenFile(env),
    nowMs: Date.now(),
    env,
  });
  if (!auth.ok) {
    return Response.json(
      { error: auth.error },
      {
        status: auth.status,
        headers: {
          'Cache-Control': 'no-store',
          ...(auth.status === 401
            ? { 'WWW-Authenticate': 'Bearer realm="mcp", error="invalid_token"' }
            : {}),
        },
      },
    );
  }
  const call = { cube: mcpCube(auth.caller.sub, env), rows: new Map() };
  return withMcpServer(call, async (server) => {
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
      maxRequestBodySize: LIMITS.maxBodyBytes,
    });
    await server.connect(transport);
    const writes = auditTransport(transport, auth.caller, call.rows, env);
    try {
      return await transport.handleRequest(request);
    } finally {
      await Promise.all(writes);
    }
  });
}

/** The path the plain listener serves the endpoint at. */
export const MCP_PATH = '/mcp';

/**
 * A Node `request` listener serving `serveMcp` at MCP_PATH (and `GET /healthz` for readiness).
 * The body is read with the same size limit the transport applies.
 */
export function mcpListener(env: Env = process.env) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    void (async () => {
      const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
      if (url.pathname === '/healthz' && req.method === 'GET') {
        res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
        res.end('{"ok":true}');
        return;
      }
      if (url.pathname !== MCP_PATH) {
        res.writeHead(404, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ error: `Not found: the MCP endpoint is ${MCP_PATH}` }));
        return;
      }
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) {
        if (value === undefined) continue;
        for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
      }
      const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
      const body = hasBody ? await readBody(req, LIMITS.maxBodyBytes + 1) : null;
      const controller = new AbortController();
      // Only a client that hangs up early aborts (an abort makes a DOMException: not every call).
      res.once('close', () => {
        if (!res.writableFinished) controller.abort();
      });
      const response = await serveMcp(
        new Request(url, {
          method: req.method ?? 'GET',
          headers,
          ...(body === null ? {} : { body }),
          signal: controller.signal,
        }),
        env,
      );
      res.writeHead(response.status, Object.fromEntries(response.headers));
      if (!response.body) {
        res.end();
        return;
      }
      // JSON answers are read whole; an SSE stream (GET) is piped as it comes.
      if (response.headers.get('content-type')?.startsWith('text/event-stream')) {
        Readable.fromWeb(response.body as import('node:stream/web').ReadableStream).pipe(res);
        return;
      }
      res.end(Buffer.from(await response.arrayBuffer()));
    })().catch((error: unknown) => {
      console.error('[mcp] request failed:', error);
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end('{"error":"Internal error"}');
    });
  };
}

/** The body, read no further than past `limit` bytes (the transport answers 413 beyond its limit). */
async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    chunks.push(chunk);
    if (size > limit) break;
  }
  return Buffer.concat(chunks).toString('utf8');
}
