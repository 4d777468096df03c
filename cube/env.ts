/**
 * The Cube process's settings, from the environment. Local runs without settings get stable
 * generated secrets kept in `.data/` (git-ignored), so nothing secret is ever in the repo.
 */
import { z } from 'zod';
import { localSecret } from '../db/local-secrets';
import { LIMITS } from './limits';

const port = z.coerce.number().int().min(1).max(65535);

const cubeEnvSchema = z.object({
  CUBE_PORT: port.default(4000),
  // `false`/`0` turns the SQL API off (test and bench Cubes that do not need it).
  CUBEJS_PG_SQL_PORT: z
    .union([z.enum(['false', 'off', '0']).transform(() => false as const), port])
    .default(15432),
  CUBEJS_API_SECRET: z
    .string()
    .min(16, 'CUBEJS_API_SECRET must be at least 16 characters')
    .optional(),
  CUBEJS_SQL_USER: z.string().min(1).default('analyst'),
  CUBEJS_SQL_PASSWORD: z.string().min(8).optional(),
  // The one login that may run queries as another user (`WHERE __user = '…'`); unset: nobody.
  CUBEJS_SQL_SUPER_USER: z
    .string()
    .optional()
    .transform((value) => value?.trim() || undefined),
  CUBE_REFRESH_SECONDS: z.coerce.number().int().min(0).default(30),
  WEB_PORT: port.default(3000),
  CUBE_CORS_ORIGINS: z.string().optional(),
  CUBE_STATEMENT_TIMEOUT_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .default(LIMITS.statementTimeoutSeconds),
});

export type CubeEnv = {
  port: number;
  sqlPort: number | false;
  apiSecret: string;
  sqlUser: string;
  sqlPassword: string;
  sqlSuperUser?: string;
  refreshEverySeconds: number | false;
  /** Browser origins allowed by CORS: CUBE_CORS_ORIGINS (comma-separated), else the web app's. */
  corsOrigins: string[];
  statementTimeoutSeconds: number;
};

export function readCubeEnv(env: NodeJS.ProcessEnv = process.env): CubeEnv {
  const parsed = cubeEnvSchema.parse(env);
  return {
    port: parsed.CUBE_PORT,
    sqlPort: parsed.CUBEJS_PG_SQL_PORT,
    apiSecret: parsed.CUBEJS_API_SECRET ?? localSecret('cube-api-secret'),
    sqlUser: parsed.CUBEJS_SQL_USER,
    sqlPassword: parsed.CUBEJS_SQL_PASSWORD ?? localSecret('cube-sql-password'),
    sqlSuperUser: parsed.CUBEJS_SQL_SUPER_USER,
    refreshEverySeconds: parsed.CUBE_REFRESH_SECONDS === 0 ? false : parsed.CUBE_REFRESH_SECONDS,
    corsOrigins: (
      parsed.CUBE_CORS_ORIGINS ??
      `http://localhost:${parsed.WEB_PORT},http://127.0.0.1:${parsed.WEB_PORT}`
    )
      .split(',')
      .map((origin) => origin.trim())
      .filter((origin) => origin.length > 0),
    statementTimeoutSeconds: parsed.CUBE_STATEMENT_TIMEOUT_SECONDS,
  };
}

/** A ready `psql` command line for the SQL API (what `npm start` prints), or null when it is off. */
export function psqlCommand(settings: CubeEnv, host = 'localhost'): string | null {
  if (settings.sqlPort === false) return null;
  const auth = `${encodeURIComponent(settings.sqlUser)}:${encodeURIComponent(settings.sqlPassword)}`;
  return `psql "postgresql://${auth}@${host}:${settings.sqlPort}/cube"`;
}
