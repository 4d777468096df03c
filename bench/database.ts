/**
 * The bench database: its own embedded Postgres cluster (default `.data/bench-pg`, port 25440,
 * never the demo one), the source schema, and demo data at the bench scale, generated once and
 * reused. A marker row (`bench.dataset`) records what was generated, how long it took and the
 * data's "now"; the data is reused when the marker matches the asked scale and seed, the
 * migrations are unchanged and the tables still hold about the recorded rows.
 *
 * The cluster also preloads `pg_stat_statements` (one restart on first use), which the bench
 * uses to prove that uncached Cube loads read the rollup tables.
 */
import path from 'node:path';
import type pg from 'pg';
import { createPool, type PgConfig, withClient } from '../db/connection';
import { startEmbeddedPostgres } from '../db/embedded';
import { migrate, readMigrations } from '../db/migrate';
import { seed as seedDatabase } from '../db/seed';
import { TABLES } from '../db/seed/tables';
import { stopOnInterrupt } from './interrupt';
import {
  createStatStatements,
  preloadStatStatements,
  statStatementsPreloaded,
} from './rollup-reads';
import type { DatasetReport, Scale } from './types';

export const BENCH_DATABASE = 'bench';

export type BenchDatabase = {
  config: PgConfig;
  /** The data's "now" (UTC ms): windows are computed from it. */
  readonly dataNow: number;
  /** Whether pg_stat_statements is available (rollup-read checks). */
  statStatements: boolean;
  setDataNow(ms: number): Promise<void>;
  report(): DatasetReport;
  stop(): Promise<void>;
};

export type EnsureOptions = {
  scale: Scale;
  seed: number;
  dataDir: string;
  port: number;
  portEnvVar: string;
  /** Throw the cluster away first. */
  fresh: boolean;
  /** false = no fsync (throwaway clusters only). */
  durable: boolean;
  log: (line: string) => void;
};

type Marker = {
  scale: Scale;
  seed: number;
  migrations: string[];
  data_now: Date;
  rows: Record<string, number>;
  generated_at: Date;
  seed_seconds: number;
  load_seconds: number;
  index_seconds: number;
};

async function readMarker(pool: pg.Pool): Promise<Marker | null> {
  await pool.query(`CREATE SCHEMA IF NOT EXISTS bench`);
  await pool.query(`
    CREATE TABLE IF NOT EXISTS bench.dataset (
      id            int PRIMARY KEY DEFAULT 1 CHECK (id = 1),
      scale         text NOT NULL,
      seed          int NOT NULL,
      migrations    jsonb NOT NULL,
      data_now      timestamptz NOT NULL,
      rows          jsonb NOT NULL,
      generated_at  timestamptz NOT NULL,
      seed_seconds  float8 NOT NULL,
      load_seconds  float8 NOT NULL,
      index_seconds float8 NOT NULL
    )`);
  const { rows } = await pool.query<Marker>('SELECT * FROM bench.dataset WHERE id = 1');
  return rows[0] ?? null;
}

async function writeMarker(pool: pg.Pool, marker: Marker): Promise<void> {
  await pool.query(
    `INSERT INTO bench.dataset
       (id, scale, seed, migrations, data_now, rows, generated_at, seed_seconds, load_seconds, index_seconds)
     VALUES (1, $1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (id) DO UPDATE SET scale = $1, seed = $2, migrations = $3, data_now = $4, rows = $5,
       generated_at = $6, seed_seconds = $7, load_seconds = $8, index_seconds = $9`,
    [
      marker.scale,
      marker.seed,
      JSON.stringify(marker.migrations),
      marker.data_now,
      JSON.stringify(marker.rows),
      marker.generated_at,
      marker.seed_seconds,
      marker.load_seconds,
      marker.index_seconds,
    ],
  );
}

/** Planner estimates of the row counts (instant; good to a few % after ANALYZE). */
async function estimateRows(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(
    `SELECT coalesce(sum(greatest(c.reltuples, 0)), 0)::bigint AS n
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname = ANY($1)`,
    [TABLES],
  );
  return Number(rows[0]?.n ?? 0);
}

const sum = (rows: Record<string, number>) => Object.values(rows).reduce((a, b) => a + b, 0);

/** True when every statement of a migration creates an index (comments aside). */
export function indexOnly(sql: string): boolean {
  const statements = sql
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/--[^\n]*/g, '')
    .split(';')
    .map((statement) => statement.trim())
    .filter((statement) => statement !== '');
  return (
    statements.length > 0 &&
    statements.every((statement) => /^CREATE\s+(UNIQUE\s+)?INDEX\b/i.test(statement))
  );
}

async function recreateDatabase(config: PgConfig): Promise<void> {
  await withClient({ ...config, database: 'postgres' }, async (client) => {
    const name = client.escapeIdentifier(config.database);
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${name}`);
  });
}

type Started = { config: PgConfig; stop(): Promise<void>; reused: boolean };

async function start(options: EnsureOptions, fresh: boolean): Promise<Started> {
  return startEmbeddedPostgres({
    dataDir: options.dataDir,
    port: options.port,
    portEnvVar: options.portEnvVar,
    database: BENCH_DATABASE,
    fresh,
    durable: options.durable,
  });
}

export async function ensureBenchDatabase(options: EnsureOptions): Promise<BenchDatabase> {
  const { log } = options;
  log(`Bench Postgres: ${options.dataDir} on :${options.port}${options.fresh ? ' (fresh)' : ''}`);
  let server = await start(options, options.fresh);
  const unregister = stopOnInterrupt(() => server.stop());
  let pool = createPool(server.config, { max: 2, applicationName: 'bench-setup' });
  try {
    // pg_stat_statements must be preloaded: ask once, then restart the cluster.
    let statStatements = await statStatementsPreloaded(pool);
    if (!statStatements) {
      await preloadStatStatements(pool);
      if (server.reused) {
        log(
          '  (a bench Postgres left running by an earlier run was reused: no pg_stat_statements this time)',
        );
      } else {
        await pool.end();
        await server.stop();
        server = await start(options, false);
        pool = createPool(server.config, { max: 2, applicationName: 'bench-setup' });
        statStatements = await statStatementsPreloaded(pool);
      }
    }
    if (statStatements) await createStatStatements(pool);

    const migrations = await readMigrations();
    const migrationsBefore = migrations.map((m) => m.file);
    let applied: string[];
    try {
      ({ applied } = await migrate(server.config));
    } catch (error) {
      // The bench database is disposable: if its schema cannot be migrated (an applied
      // migration was edited), start it over.
      log(
        `  the schema cannot be migrated (${error instanceof Error ? error.message : error}): recreating the bench database`,
      );
      await pool.end();
      await recreateDatabase(server.config);
      pool = createPool(server.config, { max: 2, applicationName: 'bench-setup' });
      if (statStatements) await createStatStatements(pool);
      ({ applied } = await migrate(server.config));
    }
    let marker = await readMarker(pool);
    const reason = await (async () => {
      if (marker === null) return 'no bench data yet';
      if (marker.scale !== options.scale || marker.seed !== options.seed) {
        return `it holds scale ${marker.scale} seed ${marker.seed}`;
      }
      if (
        applied.length > 0 ||
        JSON.stringify(marker.migrations) !== JSON.stringify(migrationsBefore)
      ) {
        // New migrations that only add indexes leave the generated rows as they are (a
        // production database gets them the same way): keep 25 M rows instead of regenerating.
        const added = migrations.filter((m) => !marker?.migrations.includes(m.file));
        const kept = marker.migrations.every((file) => migrationsBefore.includes(file));
        if (!kept || !added.every((m) => indexOnly(m.sql))) return 'the schema changed';
        log(
          `  new index-only migration(s) applied to the kept data: ${added.map((m) => m.file).join(', ')}`,
        );
        marker.migrations = migrationsBefore;
        await writeMarker(pool, marker);
      }
      const estimate = await estimateRows(pool);
      const recorded = sum(marker.rows);
      if (Math.abs(estimate - recorded) > 0.1 * recorded) {
        return `its tables hold ~${estimate.toLocaleString('en-US')} rows, not the ${recorded.toLocaleString('en-US')} recorded`;
      }
      return null;
    })();

    let reused = true;
    if (reason !== null) {
      reused = false;
      log(`Generating ${options.scale} data (seed ${options.seed}): ${reason}…`);
      // The history ends an hour ago, so the bench can append "the next hour" without writing
      // into the future (the rollups' build range ends at NOW()).
      const now = new Date(Date.now() - 3_600_000);
      let shown = -1;
      const result = await seedDatabase(server.config, {
        scale: options.scale,
        seed: options.seed,
        now,
        reset: true,
        onProgress: ({ phase, fraction, rows }) => {
          const step = phase === 'load' ? Math.floor(fraction * 10) : 10 + Math.floor(fraction);
          if (step === shown) return;
          shown = step;
          log(
            `  ${phase === 'load' ? `load ${Math.round(fraction * 100)} %` : `indexes ${fraction >= 1 ? 'done' : '…'}`}: ${rows.toLocaleString('en-US')} rows`,
          );
        },
      });
      marker = {
        scale: options.scale,
        seed: options.seed,
        migrations: migrationsBefore,
        data_now: now,
        rows: result.rows,
        generated_at: new Date(),
        seed_seconds: result.seconds,
        load_seconds: result.loadSeconds,
        index_seconds: result.indexSeconds,
      };
      await writeMarker(pool, marker);
      log(
        `  ${result.totalRows.toLocaleString('en-US')} rows: generation + COPY ${result.loadSeconds.toFixed(1)} s ` +
          `(${Math.round(result.loadRowsPerSecond / 1000)} k rows/s), indexes ${result.indexSeconds.toFixed(1)} s`,
      );
    } else {
      log(
        `Reusing the bench data (${sum(marker?.rows ?? {}).toLocaleString('en-US')} rows, scale ${options.scale})`,
      );
    }
    const current = marker as Marker;
    await pool.end();
    const setupPool = createPool(server.config, { max: 1, applicationName: 'bench-setup' });

    let dataNow = current.data_now.getTime();
    const finalServer = server;
    return {
      config: server.config,
      get dataNow() {
        return dataNow;
      },
      statStatements,
      async setDataNow(ms: number) {
        dataNow = ms;
        await setupPool.query('UPDATE bench.dataset SET data_now = $1 WHERE id = 1', [
          new Date(ms),
        ]);
      },
      report(): DatasetReport {
        const totalRows = sum(current.rows);
        return {
          scale: current.scale,
          seed: current.seed,
          dataNow: new Date(dataNow).toISOString(),
          rows: current.rows,
          totalRows,
          reused,
          generatedAt: current.generated_at.toISOString(),
          seedSeconds: current.seed_seconds,
          loadSeconds: current.load_seconds,
          indexSeconds: current.index_seconds,
          rowsPerSecond: totalRows / current.seed_seconds,
          loadRowsPerSecond: totalRows / current.load_seconds,
        };
      },
      async stop() {
        unregister();
        await setupPool.end().catch(() => undefined);
        await finalServer.stop();
      },
    };
  } catch (error) {
    unregister();
    await pool.end().catch(() => undefined);
    await server.stop().catch(() => undefined);
    throw error;
  }
}

/**
 * The bench database the side tools (load, CPU per query, warm floor) reuse as `npm run bench`
 * left it: `BENCH_PG_DIR` (default `.data/bench-pg`, `.data/bench-pg-<scale>` below large) on
 * `BENCH_PG_PORT`, seed 42, generated only when missing.
 */
export function openReusedBenchDatabase(
  scale: Scale,
  log: (line: string) => void = () => undefined,
): Promise<BenchDatabase> {
  const root = path.resolve(import.meta.dirname, '..');
  return ensureBenchDatabase({
    scale,
    seed: 42,
    dataDir: path.resolve(
      root,
      process.env.BENCH_PG_DIR ??
        path.join('.data', scale === 'large' ? 'bench-pg' : `bench-pg-${scale}`),
    ),
    port: Number(process.env.BENCH_PG_PORT ?? 25440),
    portEnvVar: 'BENCH_PG_PORT',
    fresh: false,
    durable: true,
    log,
  });
}
