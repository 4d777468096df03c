import { serveMcp } from '../../../lib/mcp/http';

export const dynamic = 'force-dynamic';

/** The MCP endpoint inside the web app (web/lib/mcp/http.ts; `npm start` also serves it on MCP_PORT). */
const handle = (request: Request) => serveMcp(request);

export const POST = handle;
export const GET = handle;
export const DELETE = handle;
