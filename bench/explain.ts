/**
 * What a query reads, in one line, from Postgres' plan (EXPLAIN, not executed): each table scan
 * with the index it uses and the rows the planner expects. Used to say why a query Cube answers
 * from the source tables is slower (or faster) than the hand-written SQL.
 */
import type pg from 'pg';

type PlanNode = {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Plan Rows'?: number;
  Plans?: PlanNode[];
};

function scans(node: PlanNode, out: string[]): void {
  if (node['Relation Name']) {
    const how = node['Index Name']
      ? `index ${node['Index Name']}`
      : node['Node Type'].toLowerCase();
    out.push(
      `${node['Relation Name']} by ${how} (~${Math.round(node['Plan Rows'] ?? 0).toLocaleString('en-US')} rows)`,
    );
  }
  for (const child of node.Plans ?? []) scans(child, out);
}

export async function scanSummary(
  pool: pg.Pool,
  sql: { text: string; values: unknown[] },
): Promise<string> {
  const { rows } = await pool.query<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(
    `EXPLAIN (FORMAT JSON) ${sql.text}`,
    sql.values,
  );
  const plan = rows[0]?.['QUERY PLAN'][0]?.Plan;
  if (!plan) return 'no plan';
  const out: string[] = [];
  scans(plan, out);
  return out.join(' + ') || plan['Node Type'];
}
