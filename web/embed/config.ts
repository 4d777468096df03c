/**
 * The embed's configuration, in one place and checked by zod: where Cube is, how a token is
 * obtained, the time zone, the theme. The browser part (`EmbedClientConfig`) is plain data; the
 * server part adds the host's token provider, which runs on the host's server with the host's
 * session (the Cube secret never leaves it).
 */
import { z } from 'zod';

/** Where the browser asks for a fresh token (the host mounts createCubeTokenHandler there). */
export const DEFAULT_TOKEN_ENDPOINT = '/api/cube-token';

/** What a host's token provider returns: a short-lived Cube JWT and when it expires. */
export const hostTokenSchema = z.object({
  token: z.string().min(1),
  expiresAt: z.iso.datetime({ offset: true }),
});
export type HostToken = z.infer<typeof hostTokenSchema>;

/**
 * Runs on the host's server for each page render and each browser token request: checks the
 * host's own session and returns a Cube token for it, or throws (TokenRefusedError for "no").
 */
export type CubeTokenProvider = () => Promise<HostToken>;

const cssVariable = z.string().regex(/^--[A-Za-z0-9-]+$/, 'a CSS custom property, e.g. --accent');

export const embedClientConfigSchema = z.object({
  cubeApiUrl: z.url({
    protocol: /^https?$/,
    error: (issue) =>
      issue.input === undefined || issue.input === ''
        ? 'missing: the Cube REST API URL as the browser calls it (e.g. http://localhost:4000/cubejs-api/v1)'
        : `not an http(s) URL: ${JSON.stringify(issue.input)}`,
  }),
  tokenEndpoint: z
    .string()
    .regex(/^\/[^/]/, 'a same-origin path such as /api/cube-token')
    .default(DEFAULT_TOKEN_ENDPOINT),
  // The tab's windows and rollups are UTC hours and days; another zone would be a new model.
  timezone: z
    .literal('UTC', { error: 'only "UTC" is supported (the rollups are UTC)' })
    .default('UTC'),
  /** CSS custom properties set on the tab's root, e.g. `{ '--accent': '#0a7' }`. */
  theme: z.record(cssVariable, z.string()).default({}),
  /**
   * A fixed "now" for every window and "today" on the tab (server render and browser alike),
   * for screenshots of seeded data; absent, the real clock.
   */
  now: z.iso.datetime({ offset: true }).optional(),
});
export type EmbedClientConfigInput = z.input<typeof embedClientConfigSchema>;
export type EmbedClientConfig = z.output<typeof embedClientConfigSchema>;

export const embedServerConfigSchema = embedClientConfigSchema.extend({
  getToken: z.custom<CubeTokenProvider>((value) => typeof value === 'function', {
    error: (issue) =>
      `${issue.input === undefined ? 'missing' : 'not a function'}: pass getToken, an async function on your server that checks your session and returns { token, expiresAt }`,
  }),
  /** Cube's URL from the host's server, when it differs from the browser's (containers). */
  serverCubeApiUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** Render the current view's data on the server (first paint with data). */
  prefetch: z.boolean().default(true),
});
export type EmbedConfig = z.input<typeof embedServerConfigSchema>;
export type ParsedEmbedConfig = z.output<typeof embedServerConfigSchema>;

/** Configuration a host got wrong; the message names each wrong setting. */
export class EmbedConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EmbedConfigError';
  }
}

function describe(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || 'config'} — ${i.message}`).join('; ');
}

export function parseEmbedConfig(input: unknown): ParsedEmbedConfig {
  const parsed = embedServerConfigSchema.safeParse(input ?? {});
  if (!parsed.success) {
    throw new EmbedConfigError(`Analytics embed configuration: ${describe(parsed.error)}`);
  }
  return parsed.data;
}

export function parseEmbedClientConfig(input: unknown): EmbedClientConfig {
  const parsed = embedClientConfigSchema.safeParse(input ?? {});
  if (!parsed.success) {
    throw new EmbedConfigError(`Analytics embed configuration: ${describe(parsed.error)}`);
  }
  return parsed.data;
}

/** The provider said no (no session, not allowed): the token route answers with `status`. */
export class TokenRefusedError extends Error {
  constructor(
    readonly status: 401 | 403,
    message: string,
  ) {
    super(message);
    this.name = 'TokenRefusedError';
  }
}

/** The token provider failed or returned something unusable. */
export class EmbedTokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EmbedTokenError';
  }
}

const jwtPayloadSchema = z.object({ exp: z.number() });

/** The `exp` claim of a JWT (not verified: Cube does that), or null when it is not a JWT. */
function jwtExpiry(token: string): number | null {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) return null;
  try {
    const payload: unknown = JSON.parse(atob(parts[1].replace(/-/g, '+').replace(/_/g, '/')));
    const parsed = jwtPayloadSchema.safeParse(payload);
    return parsed.success ? parsed.data.exp : null;
  } catch {
    return null;
  }
}

/**
 * The token provider contract, checked on every call: it resolves to `{ token, expiresAt }`,
 * the token is a JWT with an `exp` claim, and neither has passed. Anything else is an
 * EmbedTokenError naming what is wrong; a TokenRefusedError passes through.
 */
export async function callTokenProvider(
  getToken: CubeTokenProvider,
  nowMs: number = Date.now(),
): Promise<HostToken> {
  let result: unknown;
  try {
    result = await getToken();
  } catch (error) {
    if (error instanceof TokenRefusedError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new EmbedTokenError(`The token provider threw: ${message}`);
  }
  const parsed = hostTokenSchema.safeParse(result);
  if (!parsed.success) {
    throw new EmbedTokenError(
      `The token provider returned no usable token (expected { token, expiresAt: ISO time }): ${describe(parsed.error)}`,
    );
  }
  const exp = jwtExpiry(parsed.data.token);
  if (exp === null) {
    throw new EmbedTokenError(
      'The token provider returned a token that is not a JWT with an exp claim',
    );
  }
  const expiresMs = Math.min(exp * 1000, Date.parse(parsed.data.expiresAt));
  if (expiresMs <= nowMs) {
    throw new EmbedTokenError(
      `The token provider returned an expired token (expired ${new Date(expiresMs).toISOString()})`,
    );
  }
  return parsed.data;
}
