/**
 * `npm run --silent mcp`: the MCP server over stdio, for assistants that launch a local command.
 * It relays tools, prompts and resources to the running stack's Streamable HTTP endpoint (MCP_URL, default
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
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  McpError,
  ReadResourceRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';

const envSchema = z.object({
  MCP_URL: z.url({ protocol: /^https?$/ }).default('http://localhost:3001/mcp'),
  MCP_TOKEN: z
    .string({ error: 'MCP_TOKEN is not set: create a token on the web app’s /admin/mcp page' })
    .regex(/^mcp_/, 'MCP_TOKEN is not an MCP token: create one on the web app’s /admin/mcp page'),
});

/**
 * The endpoint's error as the endpoint sent it: the client's McpError prefixes the message with
 * its code, and passing that on as it is would prefix it a second time on the assistant's side.
 */
async function relayed<T>(request: Promise<T>): Promise<T> {
  try {
    return await request;
  } catch (error) {
    if (!(error instanceof McpError)) throw error;
    const prefix = `MCP error ${error.code}: `;
    throw Object.assign(
      new Error(
        error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message,
      ),
      { code: error.code, data: error.data },
    );
  }
}

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
      capabilities: { tools: {}, prompts: {}, resources: {} },
      ...(upstream.getInstructions() ? { instructions: upstream.getInstructions() } : {}),
    },
  );
  server.setRequestHandler(ListToolsRequestSchema, (request) => upstream.listTools(request.params));
  server.setRequestHandler(CallToolRequestSchema, (request) => upstream.callTool(request.params));
  server.setRequestHandler(ListPromptsRequestSchema, (request) =>
    upstream.listPrompts(request.params),
  );
  server.setRequestHandler(GetPromptRequestSchema, (request) => upstream.getPrompt(request.params));
  server.setRequestHandler(ListResourcesRequestSchema, (request) =>
    relayed(upstream.listResources(request.params)),
  );
  server.setRequestHandler(ListResourceTemplatesRequestSchema, (request) =>
    relayed(upstream.listResourceTemplates(request.params)),
  );
  server.setRequestHandler(ReadResourceRequestSchema, (request) =>
    relayed(upstream.readResource(request.params)),
  );
  const stdio = new StdioServerTransport();
  stdio.onclose = () => {
    void upstream.close();
  };
  await server.connect(stdio);
}

await main();
