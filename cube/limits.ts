/**
 * Every bound on what one request to Cube may cost, in one place (README "Limits" lists them).
 * Without them one request could hold a Postgres backend for half a minute (a 5 MB `contains`
 * pattern) or carry a thousand queries, and with two concurrent source queries that stalls
 * everyone. The tab's own queries stay far below every bound.
 */
import { LOAD_BATCH_MAX_QUERIES } from './load-batch-wire';

export const LIMITS = {
  /** JSON request bodies (POST /load, /sql, …); larger bodies get 413. Cube accepts ≥ 100 kb. */
  maxBodyBytes: 128 * 1024,
  /** Queries in one request: a blending array, or the windows of one `compareDateRange`. */
  maxQueriesPerRequest: 12,
  /**
   * Entries of one `POST /load-batch`, each then bound like its own `/load`. Defined with the
   * wire format (cube/load-batch-wire.ts) because the web app's client splits batches by it.
   */
  maxQueriesPerBatch: LOAD_BATCH_MAX_QUERIES,
  /** Measures, dimensions, time dimensions and segments of one query, together. */
  maxMembersPerQuery: 50,
  /** Filter conditions in one query, counting those inside `and`/`or`. */
  maxFiltersPerQuery: 50,
  /** How deep `and`/`or` filter groups may nest. */
  maxFilterDepth: 4,
  /** Values of one filter condition. */
  maxFilterValues: 100,
  /** Characters in one filter value (an e-mail, a name, a `contains` pattern). */
  maxFilterValueChars: 256,
  /** Nesting of the query's JSON as a whole (arrays and objects). */
  maxJsonDepth: 16,
  /**
   * Nesting of a whole request body or `query` parameter, checked before any handler walks it:
   * Cube's handlers and the result cache's key walk JSON recursively, and 10,000 levels overflowed
   * the stack (a 500). A query inside its body adds a level or two to `maxJsonDepth`.
   */
  maxRequestJsonDepth: 32,
  /** `limit` of one query; also Cube's own CUBEJS_DB_QUERY_LIMIT. */
  maxLimit: 50_000,
  /**
   * Rows of one Cube query the SQL API evaluates a statement over (a subquery, `SELECT *`, a
   * join): more is refused with 54000 rather than held in memory. Also the most rows one SQL API
   * answer returns without LIMIT.
   */
  sqlApiMaxCubeRows: 50_000,
  /** `offset` of one query. */
  maxOffset: 100_000,
  /**
   * Postgres `statement_timeout` of every query Cube sends, source tables and rollup builds
   * alike (seconds; CUBE_STATEMENT_TIMEOUT_SECONDS overrides it). The largest rollup build
   * measured at bench scale (25 M rows) took 24 s, hence the margin.
   */
  statementTimeoutSeconds: 60,
} as const;

export type Limits = typeof LIMITS;
