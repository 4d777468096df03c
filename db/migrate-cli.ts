// `npm run db:migrate`: applies db/migrations to the configured database (CUBEJS_DB_* or
// DATABASE_URL), or to the embedded Postgres in .data/pg when none is configured.
import { configuredDatabase } from './connection';
import { embeddedPortFromEnv, startEmbeddedPostgres, stopOnSignals } from './embedded';
import { migrate } from './migrate';

async function main(): Promise<void> {
  const configured = configuredDatabase();
  const embedded =
    configured === null ? await startEmbeddedPostgres({ port: embeddedPortFromEnv() }) : null;
  if (embedded !== null) stopOnSignals(embedded);
  const config = configured ?? embedded?.config;
  if (config === undefined) throw new Error('unreachable: no database');
  try {
    const where = `${config.host}:${config.port}/${config.database}`;
    const { applied } = await migrate(config);
    console.log(
      applied.length === 0
        ? `Schema is up to date (${where}).`
        : `Applied ${applied.length} migration(s) to ${where}: ${applied.join(', ')}`,
    );
  } finally {
    await embedded?.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
