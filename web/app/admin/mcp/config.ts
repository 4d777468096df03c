/** Ready-to-paste configuration of common assistants for the MCP endpoint and a token. */
export interface AssistantConfig {
  readonly id: string;
  readonly name: string;
  readonly where: string;
  readonly text: string;
}

export const SERVER_KEY = 'admin-analytics';

export function assistantConfigs(url: string, token: string): AssistantConfig[] {
  const headers = { Authorization: `Bearer ${token}` };
  const json = (value: unknown) => JSON.stringify(value, null, 2);
  return [
    {
      id: 'claude-code',
      name: 'Claude Code',
      where: 'Run in a terminal',
      text: `claude mcp add --transport http ${SERVER_KEY} ${url} --header "Authorization: Bearer ${token}"`,
    },
    {
      id: 'cursor',
      name: 'Cursor',
      where: '~/.cursor/mcp.json',
      text: json({ mcpServers: { [SERVER_KEY]: { url, headers } } }),
    },
    {
      id: 'vscode',
      name: 'VS Code',
      where: '.vscode/mcp.json',
      text: json({ servers: { [SERVER_KEY]: { type: 'http', url, headers } } }),
    },
    {
      id: 'claude-desktop',
      name: 'Claude Desktop (stdio, from a checkout of this repository)',
      where: 'claude_desktop_config.json',
      text: json({
        mcpServers: {
          [SERVER_KEY]: {
            command: 'npm',
            args: ['run', '--silent', '--prefix', '/path/to/this/repository', 'mcp'],
            env: { MCP_URL: url, MCP_TOKEN: token },
          },
        },
      }),
    },
  ];
}
