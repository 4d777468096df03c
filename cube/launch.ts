/**
 * `npm run cube`: runs Cube on the database named by CUBEJS_DB_* / DATABASE_URL (`npm start` sets
 * them for the embedded Postgres). Cube always runs in production mode here: security checks on,
 * no dev-mode Cube Store. Its role (cube/roles.ts) comes from CUBEJS_REFRESH_WORKER and
 * CUBE_REFRESH_SECONDS: one process doing everything, an API instance, or the refresh worker.
 */
process.env.NODE_ENV = 'production';

export {};

const { configuredDatabase } = await import('../db/connection');
const { readCubeEnv } = await import('./env');
const { startCube } = await import('./server');
const { API_TABLES_CACHE_SECONDS, roleFromEnv } = await import('./roles');
const { holdRefreshLock } = await import('./refresh-lock');
const { rollupTableCount } = await import('./rollups');

const db = configuredDatabase();
if (!db) {
  console.error(
    'No database configured: set CUBEJS_DB_HOST/PORT/NAME/USER/PASS or DATABASE_URL, or run `npm start`, which starts the embedded Postgres.',
  );
  process.exit(2);
}

const settings = readCubeEnv();
const role = roleFromEnv();
// Rollups live in the source Postgres unless Cube Store holds them (compose).
const rollupsInPostgres = !process.env.CUBEJS_CUBESTORE_HOST;
try {
  const lock =
    role === 'refresh-worker'
      ? await holdRefreshLock(
          db,
          {
            // Builds fail while the database is away anyway; the process stays up so a Postgres
            // restart costs no Cube restart, and takes the lock again once it answers.
            onLost: (reason) =>
              console.error(
                `Refresh worker lost its database (${reason}); taking the lock again when it is back.`,
              ),
            onRetaken: () =>
              console.log('Refresh worker has its database back and holds the refresh lock again.'),
            onTakenByOther: (error) => {
              console.error(error.message);
              process.exit(1);
            },
          },
          `pid ${process.pid}, port ${settings.port}`,
        )
      : null;
  const cube = await startCube({
    db,
    apiSecret: settings.apiSecret,
    port: settings.port,
    sqlApi:
      settings.sqlPort === false
        ? undefined
        : {
            port: settings.sqlPort,
            user: settings.sqlUser,
            password: settings.sqlPassword,
            superUser: settings.sqlSuperUser,
          },
    refreshEverySeconds: settings.refreshEverySeconds,
    corsOrigins: settings.corsOrigins,
    statementTimeoutSeconds: settings.statementTimeoutSeconds,
    webUrl: process.env.WEB_PUBLIC_URL,
    rollupTablesCacheSeconds:
      role === 'api' && rollupsInPostgres ? API_TABLES_CACHE_SECONDS : undefined,
  });
  console.log(cube.summary);
  console.log(`Cube REST API: ${cube.apiUrl} (role: ${role})`);
  if (role === 'api' && rollupsInPostgres && (await rollupTableCount(db)) === 0) {
    console.log(
      'No rollups in this database yet: this API instance never builds them, so rollup-served ' +
        'queries answer "not built yet" until the refresh worker (or the jobs API) has built them.',
    );
  }
  console.log(`Cube Playground: ${cube.playgroundUrl} (admins, through the web app's hand-off)`);
  if (cube.sqlPort) console.log(`Cube SQL API: port ${cube.sqlPort}, user ${settings.sqlUser}`);
  const shutdown = async () => {
    await cube.stop().catch(() => undefined);
    await lock?.release();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
