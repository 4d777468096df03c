/**
 * `npm run cube`: runs Cube on the database named by CUBEJS_DB_* / DATABASE_URL (`npm start` sets
 * them for the embedded Postgres). Cube always runs in production mode here: security checks on,
 * no dev-mode Cube Store.
 */
process.env.NODE_ENV = 'production';

export {};

const { configuredDatabase } = await import('../db/connection');
const { readCubeEnv } = await import('./env');
const { startCube } = await import('./server');

const db = configuredDatabase();
if (!db) {
  console.error(
    'No database configured: set CUBEJS_DB_HOST/PORT/NAME/USER/PASS or DATABASE_URL, or run `npm start`, which starts the embedded Postgres.',
  );
  process.exit(2);
}

const settings = readCubeEnv();
try {
  const cube = await startCube({
    db,
    apiSecret: settings.apiSecret,
    port: settings.port,
    sqlApi:
      settings.sqlPort === false
        ? undefined
        : { port: settings.sqlPort, user: settings.sqlUser, password: settings.sqlPassword },
    refreshEverySeconds: settings.refreshEverySeconds,
  });
  console.log(cube.summary);
  console.log(`Cube REST API: ${cube.apiUrl}`);
  if (cube.sqlPort) console.log(`Cube SQL API: port ${cube.sqlPort}, user ${settings.sqlUser}`);
  const shutdown = async () => {
    await cube.stop().catch(() => undefined);
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
