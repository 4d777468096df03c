// `npm run db:seed -- [--scale small|medium|large] [--seed N] [--now ISO] [--reset]
//                     [--target embedded|configured]`
// Fills a database with deterministic demo data. Exit codes: 0 done, 1 refused or failed,
// 2 bad usage (nothing was written).
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { configuredDatabase, type PgConfig } from '../connection';
import {
  embeddedPortFromEnv,
  type RunningPostgres,
  startEmbeddedPostgres,
  stopOnSignals,
} from '../embedded';
import { migrate } from '../migrate';
import { nonEmptyTables, type SeedProgress, seed } from './index';
import { isScaleName, SCALE_NAMES } from './scales';

const USAGE = `Usage: npm run db:seed -- [options]

Fills the database with deterministic demo data (same --seed and --now, same rows).

Options:
  --scale <name>     ${SCALE_NAMES.join(' | ')} (default small: ~170k rows, a few seconds;
                     medium: ~2.5M rows; large: ~25M rows, for benchmarks)
  --seed <integer>   random seed (default 42)
  --now <ISO time>   end of the history (default: the current hour, UTC)
  --reset            replace existing rows (a non-empty database is refused otherwise)
  --target <where>   embedded: the embedded Postgres in .data/pg (port $PG_EMBEDDED_PORT,
                     default 25429); configured: the database named by CUBEJS_DB_* or
                     DATABASE_URL. Default embedded; when those variables are set, the
                     generator refuses to run unless --target is given explicitly.
  -h, --help         show this help
`;

class UsageError extends Error {}

type Target = 'embedded' | 'configured';
type Options = {
  scale: (typeof SCALE_NAMES)[number];
  seed: number;
  now: Date;
  reset: boolean;
  target: Target | undefined;
};

function readFlags(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        scale: { type: 'string', default: 'small' },
        seed: { type: 'string', default: '42' },
        now: { type: 'string' },
        reset: { type: 'boolean', default: false },
        target: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

function parseOptions(argv: string[]): Options | 'help' {
  const values = readFlags(argv);
  if (values.help) return 'help';
  const { scale, seed, now, target } = values;
  if (!isScaleName(scale)) throw new UsageError(`Unknown scale "${scale}"`);
  if (!/^\d{1,10}$/.test(seed) || Number(seed) > 0xffffffff) {
    throw new UsageError(`--seed must be an integer from 0 to 4294967295, got "${seed}"`);
  }
  let end: Date;
  if (now === undefined) {
    end = new Date();
    end.setUTCMinutes(0, 0, 0);
  } else {
    end = new Date(now);
    if (Number.isNaN(end.getTime()) || !/^\d{4}-\d\d-\d\d/.test(now)) {
      throw new UsageError(`--now must be an ISO 8601 time, got "${now}"`);
    }
  }
  if (target !== undefined && target !== 'embedded' && target !== 'configured') {
    throw new UsageError(`--target must be embedded or configured, got "${target}"`);
  }
  return { scale, seed: Number(seed), now: end, reset: values.reset, target };
}

function progressReporter(): { onProgress: (p: SeedProgress) => void; stop: () => void } {
  if (!process.stderr.isTTY) return { onProgress: () => undefined, stop: () => undefined };
  const started = Date.now();
  let bar: cliProgress.SingleBar | null = null;
  let phase: SeedProgress['phase'] = 'load';
  return {
    onProgress(p) {
      // Only for loads that take more than a moment.
      if (bar === null && Date.now() - started < 700) return;
      if (bar === null) {
        bar = new cliProgress.SingleBar(
          {
            format: ' {phase} |{bar}| {percentage}% | {rows} rows',
            stream: process.stderr,
            hideCursor: true,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(100, 0, { phase: 'generate + COPY', rows: 0 });
      }
      if (p.phase !== phase) phase = p.phase;
      const label = phase === 'load' ? 'generate + COPY' : 'indexes + ANALYZE';
      bar.update(Math.round(p.fraction * 100), { phase: label, rows: p.rows.toLocaleString('en') });
    },
    stop() {
      bar?.stop();
    },
  };
}

const where = (config: PgConfig) => `${config.host}:${config.port}/${config.database}`;

async function main(argv: string[]): Promise<number> {
  let options: Options | 'help';
  try {
    options = parseOptions(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }

  const configured = configuredDatabase();
  if (options.target === 'configured' && configured === null) {
    process.stderr.write(
      `--target configured needs CUBEJS_DB_HOST/…/CUBEJS_DB_NAME or DATABASE_URL.\n\n${USAGE}`,
    );
    return 2;
  }
  if (options.target === undefined && configured !== null) {
    process.stderr.write(
      `A database is configured (${where(configured)}, from CUBEJS_DB_* or DATABASE_URL). ` +
        'The demo generator never writes to it unless asked: pass --target configured to fill ' +
        'it, or --target embedded to use the embedded Postgres instead.\n',
    );
    return 1;
  }

  let embedded: RunningPostgres | null = null;
  try {
    let config: PgConfig;
    if (options.target === 'configured' && configured !== null) {
      config = configured;
    } else {
      embedded = await startEmbeddedPostgres({ port: embeddedPortFromEnv() });
      stopOnSignals(embedded);
      config = embedded.config;
    }
    const { applied } = await migrate(config);
    if (applied.length > 0) console.log(`Applied migrations: ${applied.join(', ')}`);
    if (!options.reset) {
      const tables = await nonEmptyTables(config);
      if (tables.length > 0) {
        process.stderr.write(
          `${where(config)} already has data (${tables.join(', ')}). ` +
            'Pass --reset to replace it with generated demo data.\n',
        );
        return 1;
      }
    }

    console.log(
      `Seeding ${where(config)}: scale ${options.scale}, seed ${options.seed}, now ${options.now.toISOString()}`,
    );
    const progress = progressReporter();
    const result = await seed(config, { ...options, onProgress: progress.onProgress }).finally(
      progress.stop,
    );
    const width = Math.max(...Object.keys(result.rows).map((t) => t.length));
    for (const [table, rows] of Object.entries(result.rows)) {
      console.log(`  ${table.padEnd(width)}  ${rows.toLocaleString('en').padStart(12)}`);
    }
    console.log(
      `${result.totalRows.toLocaleString('en')} rows in ${result.seconds.toFixed(1)} s ` +
        `(${result.rowsPerSecond.toLocaleString('en')} rows/s end to end): ` +
        `generate + COPY ${result.loadSeconds.toFixed(1)} s ` +
        `(${result.loadRowsPerSecond.toLocaleString('en')} rows/s), ` +
        `indexes + ANALYZE ${result.indexSeconds.toFixed(1)} s`,
    );
    return 0;
  } finally {
    await embedded?.stop();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
