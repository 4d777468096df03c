/**
 * Who may ask Cube what. Cube JWTs are HS256, signed with CUBEJS_API_SECRET, carry `{ sub, role }`
 * and are short-lived; only `role: "admin"` gets Cube's API scopes. Everything else (missing or
 * bad token, another role, an overly long-lived token) gets Cube's own 403.
 */
import jwt from 'jsonwebtoken';
import { z } from 'zod';

export const securityContextSchema = z.object({
  sub: z.string().min(1),
  role: z.enum(['admin', 'member']),
  iat: z.number(),
  exp: z.number(),
});
export type SecurityContext = z.infer<typeof securityContextSchema>;

/** Tokens may live at most this long (seconds): minutes, not days. */
export const MAX_TOKEN_TTL_SECONDS = 60 * 60;
export const DEFAULT_TOKEN_TTL_SECONDS = 10 * 60;
/** Clocks of the signer and Cube may disagree this much (seconds) about "now". */
export const TOKEN_CLOCK_SKEW_SECONDS = 60;

type ApiScope = 'graphql' | 'meta' | 'data' | 'sql' | 'jobs';
const ADMIN_SCOPES: ApiScope[] = ['meta', 'data', 'graphql', 'sql', 'jobs'];

export function signCubeToken(
  secret: string,
  claims: { sub: string; role: SecurityContext['role'] },
  ttlSeconds = DEFAULT_TOKEN_TTL_SECONDS,
): string {
  if (ttlSeconds > MAX_TOKEN_TTL_SECONDS) {
    throw new Error(
      `Cube tokens live at most ${MAX_TOKEN_TTL_SECONDS} s; asked for ${ttlSeconds} s`,
    );
  }
  return jwt.sign(claims, secret, { algorithm: 'HS256', expiresIn: ttlSeconds });
}

/**
 * Whether a token's lifetime claims keep it short-lived. Both claims are required: without `iat`
 * (or with one set in the future) `exp − iat` says nothing, so `exp` is also bounded from now.
 */
export function tokenLifetimeIsBounded(
  claims: { iat: number; exp: number },
  nowSeconds = Date.now() / 1000,
): boolean {
  const { iat, exp } = claims;
  return (
    iat <= nowSeconds + TOKEN_CLOCK_SKEW_SECONDS &&
    exp - iat <= MAX_TOKEN_TTL_SECONDS &&
    exp - nowSeconds <= MAX_TOKEN_TTL_SECONDS + TOKEN_CLOCK_SKEW_SECONDS
  );
}

/**
 * Cube's `contextToApiScopes`: the signature and expiry were already verified by Cube's default
 * checkAuth (HS256 only); here the claims decide. A token without `iat` and `exp`, or one whose
 * lifetime is not bounded (see tokenLifetimeIsBounded), gets no scope at all.
 */
export async function apiScopesFor(securityContext: unknown): Promise<ApiScope[]> {
  const parsed = securityContextSchema.safeParse(securityContext);
  if (!parsed.success || parsed.data.role !== 'admin') return [];
  if (!tokenLifetimeIsBounded(parsed.data)) return [];
  return ADMIN_SCOPES;
}

/**
 * The security context of an SQL API login: an admin, like a token, with a short expiry so that
 * `apiScopesFor` grants it scopes; SQL sessions outlive tokens, so it is minted per query.
 */
export function sqlSecurityContext(user: string): SecurityContext {
  const iat = Math.floor(Date.now() / 1000);
  return { sub: `sql:${user}`, role: 'admin', iat, exp: iat + DEFAULT_TOKEN_TTL_SECONDS };
}

/** The SQL API's logins: CUBEJS_SQL_USER, and CUBEJS_SQL_SUPER_USER when set (same password). */
export type SqlLogins = { user: string; password: string; superUser?: string };

/**
 * Whether a login may run a query as `target` (`WHERE __user = 'target'`), as Cube's default
 * `canSwitchSqlUser`: itself always, anyone only for the configured super-user.
 */
export function canSwitchSqlUser(logins: SqlLogins, login: string, target: string): boolean {
  return target === login || (logins.superUser !== undefined && login === logins.superUser);
}

/**
 * SQL API logins: CUBEJS_SQL_USER (and CUBEJS_SQL_SUPER_USER) with CUBEJS_SQL_PASSWORD, who query
 * as admins. On the stock engine Cube compares the returned password with the one the client sent;
 * the native-free engine's SQL API (`cube/sql-api/`) checks it with SCRAM. Cube asks again with no
 * password (`null`) for the user a super-user switched to with `__user`, after
 * `canSwitchSqlUser` allowed it: that user's security context, whatever the name.
 */
export function sqlApiAuth(logins: SqlLogins) {
  return async (_req: unknown, requestedUser: string | null, sentPassword?: string | null) => {
    const switching = sentPassword === null && requestedUser !== null && requestedUser !== '';
    if (
      !switching &&
      requestedUser !== logins.user &&
      (logins.superUser === undefined || requestedUser !== logins.superUser)
    ) {
      throw new Error(`Unknown SQL API user "${requestedUser ?? ''}"`);
    }
    return {
      password: logins.password,
      securityContext: sqlSecurityContext(requestedUser ?? logins.user),
    };
  };
}
