/**
 * `npm run --silent mcp`: the MCP server over stdio, for assistants that launch a local command.
 * It relays tools and prompts to the running stack's Streamable HTTP endpoint (MCP_URL, default
 * http://localhost:3001/mcp) with the bearer token in MCP_TOKEN, so the token check, the
 * revocation, Cube's scope and the audit log stay in one place, and no Cube secret is needed here.
 * stdout carries the protocol only; messages go to stderr.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import {
  CallToolRequestSchema,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  ListToolsRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';

const envSchema = z.object({
  MCP_URL: z.url({ protocol: /^https?$/ }).default('http://localhost:3001/mcp'),
  MCP_TOKEN: z
    .string({ error: 'MCP_TOKEN is not set: create a token on the web app’s /admin/mcp page' })
    .regex(/^mcp_/, 'MCP_TOKEN is not an MCP token: create one on the web app’s /admin/mcp page'),
});

async function main(): Promise<void> {
  const parsed = envSchema.safeParse(process.env);
  if (!parsed.success) {
    console.error(z.prettifyError(parsed.error));
    process.exit(2);
  }
  const { MCP_URL, MCP_TOKEN } = parsed.data;
  const upstream = new Client({ name: 'admin-analytics-stdio', version: '0.1.0' });
  try {
    await upstream.connect(
      new StreamableHTTPClientTransport(new URL(MCP_URL), {
        requestInit: { headers: { Authorization: `Bearer ${MCP_TOKEN}` } },
      }),
    );
  } catch (error) {
    console.error(
      `Cannot reach the MCP endpoint ${MCP_URL}: ${error instanceof Error ? error.message : error}`,
    );
    process.exit(1);
  }
  const remote = upstream.getServerVersion();
  const server = new Server(
    { name: remote?.name ?? 'admin-analytics', version: remote?.version ?? '0.0.0' },
    {
      capabilities: { tools: {}, prompts: {} },
      ...(upstream.getInstructions() ? { instructions: upstream.getInstructions() } : {}),
    },
  );
  server.setRequestHandler(ListToolsRequestSchema, (request) => upstream.listTools(request.params));
  server.setRequestHandler(CallToolRequestSchema, (request) => upstream.callTool(request.params));
  server.setRequestHandler(ListPromptsRequestSchema, (request) =>
    upstream.listPrompts(request.params),
  );
  server.setRequestHandler(GetPromptRequestSchema, (request) => upstream.getPrompt(request.params));
  const stdio = new StdioServerTransport();
  stdio.onclose = () => {
    void upstream.close();
  };
  await server.connect(stdio);
}

await main();
