/**
 * Cube's predefined time granularities, finest first: one list for the SQL API's translation and
 * composition and the MCP server's query checks.
 */
export const CUBE_GRANULARITIES = [
  'second',
  'minute',
  'hour',
  'day',
  'week',
  'month',
  'quarter',
  'year',
] as const;
