import type { McpCube, MetaView } from '../../../web/lib/mcp/cube';

/**
 * A caller's Cube for the MCP pool tests: its `/meta` answers after `delayMs` with the one view
 * given (named after the caller), and it runs no query. A stand-in for Cube, which the e2e runs.
 */
export function callerCube(view: MetaView, delayMs: number): McpCube {
  return {
    views: () => new Promise((resolve) => setTimeout(() => resolve([view]), delayMs)),
    loader: {
      load: () => Promise.reject(new Error('not used')),
      sql: () => Promise.reject(new Error('not used')),
    },
  };
}
