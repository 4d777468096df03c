/**
 * Appends one more hour of realistic activity after the data's "now", for the incremental
 * refresh measurement. The new hour replays the same hour one week earlier (so weekday and
 * hour-of-day seasonality, status mixes, template popularity and funnel drop-offs stay those of
 * the generator), with fresh ids and timestamps moved forward by 7 days. References stay
 * consistent: a row pointing at a user, project, export, message or scene that was itself
 * replayed points at the replayed copy, otherwise at the original (an older export downloaded
 * again, an iteration on an older scene). The app-maintained counters follow:
 * `templates.usage_count` and `user_credits` (balance, lifetime purchased/used).
 */
import type pg from 'pg';
import { HOUR_MS, WEEK_MS } from '../web/lib/timeframe';

const WEEK = "interval '7 days'";

/** Tables with text UUID ids that other rows reference: replayed rows get new ids. */
const MAPPED = ['users', 'projects', 'exports', 'messages', 'scenes', 'project_memory'] as const;

type Insert = {
  table: string;
  /** Target columns, and the SELECT expression of each over source alias `t`. */
  columns: Record<string, string>;
};

/** `coalesce(<new id of col>, t.col)` when `col` references a replayed table. */
const ref = (table: (typeof MAPPED)[number], column: string) =>
  `coalesce((SELECT new_id FROM bench_map_${table} WHERE old_id = t.${column}), t.${column})`;

const moved = (column: string) => `t.${column} + ${WEEK}`;

const INSERTS: Insert[] = [
  {
    table: 'users',
    columns: {
      id: ref('users', 'id'),
      email: `'replay-' || ${ref('users', 'id')} || '@' || split_part(t.email, '@', 2)`,
      created_at: moved('created_at'),
    },
  },
  {
    table: 'projects',
    columns: {
      id: ref('projects', 'id'),
      user_id: ref('users', 'user_id'),
      name: 't.name',
      created_at: moved('created_at'),
    },
  },
  {
    table: 'template_usage',
    columns: {
      template_id: 't.template_id',
      user_id: ref('users', 'user_id'),
      project_id: ref('projects', 'project_id'),
      created_at: moved('created_at'),
    },
  },
  {
    table: 'exports',
    columns: {
      id: ref('exports', 'id'),
      user_id: ref('users', 'user_id'),
      project_id: ref('projects', 'project_id'),
      format: 't.format',
      quality: 't.quality',
      status: 't.status',
      render_duration_ms: 't.render_duration_ms',
      video_duration_ms: 't.video_duration_ms',
      file_size_bytes: 't.file_size_bytes',
      error_message: 't.error_message',
      created_at: moved('created_at'),
      completed_at: moved('completed_at'),
    },
  },
  {
    table: 'export_analytics',
    columns: {
      export_id: ref('exports', 'export_id'),
      user_id: ref('users', 'user_id'),
      event: 't.event',
      error_message: 't.error_message',
      duration_ms: 't.duration_ms',
      created_at: moved('created_at'),
    },
  },
  {
    table: 'messages',
    columns: {
      id: ref('messages', 'id'),
      project_id: ref('projects', 'project_id'),
      user_id: ref('users', 'user_id'),
      role: 't.role',
      content_length: 't.content_length',
      created_at: moved('created_at'),
    },
  },
  {
    table: 'scenes',
    columns: {
      id: ref('scenes', 'id'),
      project_id: ref('projects', 'project_id'),
      user_id: ref('users', 'user_id'),
      name: 't.name',
      created_at: moved('created_at'),
    },
  },
  {
    table: 'scene_iterations',
    columns: {
      id: 'gen_random_uuid()::text',
      scene_id: ref('scenes', 'scene_id'),
      project_id: ref('projects', 'project_id'),
      user_id: ref('users', 'user_id'),
      message_id: ref('messages', 'message_id'),
      operation_type: 't.operation_type',
      edit_complexity: 't.edit_complexity',
      outcome: 't.outcome',
      generation_ms: 't.generation_ms',
      created_at: moved('created_at'),
    },
  },
  {
    table: 'paywall_events',
    columns: {
      user_id: ref('users', 'user_id'),
      event_type: 't.event_type',
      package_id: 't.package_id',
      trigger: 't.trigger',
      created_at: moved('created_at'),
    },
  },
  {
    table: 'credit_transactions',
    columns: {
      user_id: ref('users', 'user_id'),
      type: 't.type',
      amount: 't.amount',
      price_cents: 't.price_cents',
      package_id: 't.package_id',
      created_at: moved('created_at'),
    },
  },
  {
    table: 'api_usage_metrics',
    columns: {
      user_id: ref('users', 'user_id'),
      project_id: `CASE WHEN t.project_id IS NULL THEN NULL ELSE ${ref('projects', 'project_id')} END`,
      provider: 't.provider',
      model: 't.model',
      tool_name: 't.tool_name',
      input_tokens: 't.input_tokens',
      output_tokens: 't.output_tokens',
      response_time_ms: 't.response_time_ms',
      success: 't.success',
      error_type: 't.error_type',
      created_at: moved('created_at'),
    },
  },
  {
    table: 'project_memory',
    columns: {
      id: ref('project_memory', 'id'),
      project_id: ref('projects', 'project_id'),
      user_id: ref('users', 'user_id'),
      memory_type: 't.memory_type',
      memory_key: 't.memory_key',
      memory_value: 't.memory_value',
      created_at: moved('created_at'),
    },
  },
];

export type AppendResult = { rows: Record<string, number>; total: number; seconds: number };

/**
 * Appends the hour [from, from + 1 h) (UTC ms) by replaying [from − 7 d, from − 7 d + 1 h).
 * One transaction: either the whole hour lands or nothing does.
 */
export async function appendHour(pool: pg.Pool, from: number): Promise<AppendResult> {
  const started = performance.now();
  const replayed = from - WEEK_MS;
  const source = [new Date(replayed).toISOString(), new Date(replayed + HOUR_MS).toISOString()];
  const target = [new Date(from).toISOString(), new Date(from + HOUR_MS).toISOString()];
  const client = await pool.connect();
  const rows: Record<string, number> = {};
  try {
    await client.query('BEGIN');
    const window = 't.created_at >= $1 AND t.created_at < $2';
    for (const table of MAPPED) {
      await client.query(
        `CREATE TEMP TABLE bench_map_${table} ON COMMIT DROP AS
           SELECT t.id AS old_id, gen_random_uuid()::text AS new_id FROM ${table} t WHERE ${window}`,
        source,
      );
      await client.query(`CREATE UNIQUE INDEX ON bench_map_${table} (old_id)`);
    }
    for (const insert of INSERTS) {
      const columns = Object.keys(insert.columns);
      const result = await client.query(
        `INSERT INTO ${insert.table} (${columns.join(', ')})
         SELECT ${Object.values(insert.columns).join(', ')}
           FROM ${insert.table} t WHERE ${window}
          ORDER BY t.created_at`,
        source,
      );
      rows[insert.table] = result.rowCount ?? 0;
    }
    // The app's counters follow the new rows.
    await client.query(
      `UPDATE templates SET usage_count = usage_count + u.n
         FROM (SELECT template_id, count(*)::int AS n FROM template_usage
                WHERE created_at >= $1 AND created_at < $2 GROUP BY template_id) u
        WHERE templates.id = u.template_id`,
      target,
    );
    await client.query(
      `INSERT INTO user_credits AS c (user_id, balance, lifetime_purchased, lifetime_used, updated_at)
       SELECT user_id,
              sum(amount)::int,
              coalesce(sum(amount) FILTER (WHERE type = 'purchase'), 0)::int,
              coalesce(-sum(amount) FILTER (WHERE type = 'usage'), 0)::int,
              max(created_at)
         FROM credit_transactions
        WHERE created_at >= $1 AND created_at < $2
        GROUP BY user_id
       ON CONFLICT (user_id) DO UPDATE SET
         balance = c.balance + excluded.balance,
         lifetime_purchased = c.lifetime_purchased + excluded.lifetime_purchased,
         lifetime_used = c.lifetime_used + excluded.lifetime_used,
         updated_at = greatest(c.updated_at, excluded.updated_at)`,
      target,
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
  const total = Object.values(rows).reduce((a, b) => a + b, 0);
  return { rows, total, seconds: (performance.now() - started) / 1000 };
}
