// TEMPORARY STUB (to be replaced by the real transform)
export function finalQueryResult(transformData: unknown, rows: unknown[], root: Record<string, unknown>): unknown {
  return { ...root, data: rows, transformData };
}
export function finalQueryResultMulti(t: unknown[], rows: unknown[][], root: { queryType: string; slowQuery: boolean; results: Record<string, unknown>[] }): unknown {
  return { ...root, t, rows };
}
