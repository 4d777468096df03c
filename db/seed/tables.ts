import type { RowWriter } from './row-writer';

// The tables the generator fills, in load order, with the columns it writes (COPY order).
// Identity ids (`id bigint … AS IDENTITY`) are left to Postgres: rows arrive in one ordered
// stream per table, so they are numbered 1, 2, 3, … deterministically.

export const TABLE_COLUMNS = {
  users: ['id', 'email', 'created_at'],
  projects: ['id', 'user_id', 'name', 'created_at'],
  templates: ['id', 'name', 'category', 'thumbnail_url', 'usage_count', 'is_active', 'created_at'],
  template_usage: ['template_id', 'user_id', 'project_id', 'created_at'],
  exports: [
    'id',
    'user_id',
    'project_id',
    'format',
    'quality',
    'status',
    'render_duration_ms',
    'video_duration_ms',
    'file_size_bytes',
    'error_message',
    'created_at',
    'completed_at',
  ],
  export_analytics: ['export_id', 'user_id', 'event', 'error_message', 'duration_ms', 'created_at'],
  messages: ['id', 'project_id', 'user_id', 'role', 'content_length', 'created_at'],
  scenes: ['id', 'project_id', 'user_id', 'name', 'created_at'],
  scene_iterations: [
    'id',
    'scene_id',
    'project_id',
    'user_id',
    'message_id',
    'operation_type',
    'edit_complexity',
    'outcome',
    'generation_ms',
    'created_at',
  ],
  paywall_events: ['user_id', 'event_type', 'package_id', 'trigger', 'created_at'],
  paywall_analytics: [
    'date',
    'unique_viewers',
    'unique_clickers',
    'checkouts',
    'conversions',
    'revenue_cents',
  ],
  credit_transactions: ['user_id', 'type', 'amount', 'price_cents', 'package_id', 'created_at'],
  user_credits: ['user_id', 'balance', 'lifetime_purchased', 'lifetime_used', 'updated_at'],
  api_usage_metrics: [
    'user_id',
    'project_id',
    'provider',
    'model',
    'tool_name',
    'input_tokens',
    'output_tokens',
    'response_time_ms',
    'success',
    'error_type',
    'created_at',
  ],
  changelog_entries: [
    'id',
    'title',
    'version',
    'status',
    'published_at',
    'view_count',
    'video_url',
    'thumbnail_url',
    'created_at',
  ],
  project_memory: [
    'id',
    'project_id',
    'user_id',
    'memory_type',
    'memory_key',
    'memory_value',
    'created_at',
  ],
} as const;

export type TableName = keyof typeof TABLE_COLUMNS;

export const TABLES = Object.keys(TABLE_COLUMNS) as TableName[];

/** One row writer per table. */
export type TableWriters = Record<TableName, RowWriter>;
