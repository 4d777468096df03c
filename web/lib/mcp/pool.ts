/**
 * Built MCP servers, lent to one HTTP request at a time. Building one costs more than the rest of
 * a tool call (the SDK's Ajv instance, every tool's zod schemas made and compiled on first use:
 * 8–10 ms a request in bench/mcp-overhead.ts's profile), while a connected server serves one
 * transport at a time and the stateless transport serves one request. So a request takes an idle
 * server (or builds one), connects it to its own transport, and gives it back once answered.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { createMcpServer, type McpCall } from './server';

interface Pooled {
  readonly server: McpServer;
  call: McpCall | null;
}

/** Idle servers kept beyond this are dropped: a burst of concurrent requests leaves no heap behind. */
const MAX_IDLE = 8;
const idle: Pooled[] = [];

function build(): Pooled {
  const pooled: Pooled = {
    call: null,
    server: createMcpServer(() => {
      if (!pooled.call) throw new Error('An MCP server ran a tool outside a request');
      return pooled.call;
    }),
  };
  return pooled;
}

/** Runs `serve` with a server whose tools act for `call`; the server is reused afterwards. */
export async function withMcpServer<T>(
  call: McpCall,
  serve: (server: McpServer) => Promise<T>,
): Promise<T> {
  const pooled = idle.pop() ?? build();
  pooled.call = call;
  try {
    return await serve(pooled.server);
  } finally {
    // close() drops the transport and any pending answers; the registered tools stay.
    await pooled.server.close();
    pooled.call = null;
    if (idle.length < MAX_IDLE) idle.push(pooled);
  }
}
