import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { LIMITS } from '../../../../cube/limits';
import { auditTransport } from '../../../lib/mcp/audit';
import { mcpCube } from '../../../lib/mcp/cube';
import { withMcpServer } from '../../../lib/mcp/pool';
import { authenticateMcp, mcpTokenFile } from '../../../lib/mcp/tokens';

export const dynamic = 'force-dynamic';

/**
 * The MCP server over Streamable HTTP, stateless: every request carries its bearer token, gets its
 * own transport and a server lent from the pool, and is answered as JSON. No session to keep
 * means any web instance can answer and a revoked token stops working on its next request.
 */
async function handle(request: Request): Promise<Response> {
  const auth = await authenticateMcp(request.headers.get('authorization'), {
    file: mcpTokenFile(),
    nowMs: Date.now(),
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
  const call = { cube: mcpCube(auth.caller.sub), rows: new Map() };
  return withMcpServer(call, async (server) => {
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
      maxRequestBodySize: LIMITS.maxBodyBytes,
    });
    await server.connect(transport);
    const writes = auditTransport(transport, auth.caller, call.rows);
    try {
      return await transport.handleRequest(request);
    } finally {
      await Promise.all(writes);
    }
  });
}

export const POST = handle;
export const GET = handle;
export const DELETE = handle;
