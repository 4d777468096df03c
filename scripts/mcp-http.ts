/**
 * The MCP endpoint on a plain Node HTTP listener (MCP_PORT, default 3001, path /mcp), started by
 * `npm start` beside the web app. The same handler as the web app's `/api/mcp` route
 * (web/lib/mcp/http.ts), without the Next.js request pipeline in front of it.
 */
import http from 'node:http';
import { z } from 'zod';
import { MCP_PATH, mcpListener } from '../web/lib/mcp/http';

const port = z.coerce.number().int().min(1).max(65535).default(3001).parse(process.env.MCP_PORT);
const server = http.createServer({ keepAliveTimeout: 65_000 }, mcpListener());
server.listen(port, () => {
  console.log(`MCP endpoint on http://localhost:${port}${MCP_PATH}`);
});
const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
