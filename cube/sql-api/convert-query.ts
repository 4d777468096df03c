/**
 * `POST /v1/convert-query` (SQL → Cube query) on the native-free engine: the SQL API's own
 * translation of a plain statement, in the shape of Cube's `rest4sql` answer. A statement that is
 * more than one Cube query (it needs Postgres around the Cube part) has no single REST query.
 */
import { SqlApiError } from './errors';
import { parseStatements, planStatement } from './statements';
import { translateSelect } from './translate';
import type { ViewTable } from './views';

export type ConvertedQuery = { status: 'ok'; query: Record<string, unknown> };

export function sqlToRestQuery(sql: string, views: Map<string, ViewTable>): ConvertedQuery {
  const statements = parseStatements(sql);
  const [statement] = statements;
  if (!statement || statements.length !== 1) {
    throw new SqlApiError('42601', 'convert-query takes exactly one SELECT statement');
  }
  const plan = planStatement(statement, views);
  if (plan.kind !== 'cube' || !plan.view) {
    throw new SqlApiError(
      '0A000',
      plan.kind === 'cube'
        ? 'this statement is more than one Cube query (it reads several tables or subqueries): run it through the SQL API'
        : 'this statement reads no Cube table',
    );
  }
  const { query } = translateSelect(plan.select, plan.view, [], 'UTC');
  const { timezone: _zone, ...rest } = query;
  const nonEmpty = Object.entries(rest).filter(([, v]) => !Array.isArray(v) || v.length > 0);
  return { status: 'ok', query: Object.fromEntries(nonEmpty) };
}
