/**
 * Server-side settings of the web app, read from the environment at request time.
 * Nothing here is ever sent to the browser except `cubeApiUrl()`.
 */

/** Environment variables (process.env, or a plain object in tests). */
export type Env = Readonly<Record<string, string | undefined>>;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Cube's REST base URL as the browser should call it. */
export function cubeApiUrl(env: Env = process.env): string {
  const explicit = env.CUBE_PUBLIC_API_URL || env.CUBE_API_URL;
  if (explicit) return explicit.replace(/\/+$/, '');
  return `http://localhost:${env.CUBE_PORT || '4000'}/cubejs-api/v1`;
}

/**
 * Origins release videos may play from besides the app itself (RELEASE_MEDIA_HOSTS, separated by
 * spaces or commas, e.g. `https://media.example.com`): the page's Content-Security-Policy allows
 * media from nothing else. Unset, only the app (which serves the demo's media) is allowed.
 */
export function releaseMediaHosts(env: Env = process.env): string[] {
  const raw = env.RELEASE_MEDIA_HOSTS?.trim();
  if (!raw) return [];
  return raw.split(/[\s,]+/).map((host) => {
    const url = URL.canParse(host) ? new URL(host) : null;
    const isOrigin =
      url !== null &&
      (url.protocol === 'https:' || url.protocol === 'http:') &&
      url.origin === host.replace(/\/$/, '');
    if (!url || !isOrigin) {
      throw new ConfigError(
        `RELEASE_MEDIA_HOSTS: "${host}" is not an origin (https://host[:port])`,
      );
    }
    return url.origin;
  });
}

/** HS256 secret Cube verifies its JWTs with. Required to mint tokens. */
export function cubeApiSecret(env: Env = process.env): string {
  const secret = env.CUBEJS_API_SECRET;
  if (!secret) throw new ConfigError('CUBEJS_API_SECRET is not set on the web server');
  return secret;
}

/** Secret that signs the session cookie. Required to sign in. */
export function sessionSecret(env: Env = process.env): string {
  const secret = env.SESSION_SECRET;
  if (!secret || secret.length < 16) {
    throw new ConfigError('SESSION_SECRET is not set (at least 16 characters) on the web server');
  }
  return secret;
}

/** One-click demo sign-in (`npm start` sets DEMO_LOGIN=1 in the embedded mode). */
export function demoLoginEnabled(env: Env = process.env): boolean {
  return env.DEMO_LOGIN === '1' || env.DEMO_LOGIN === 'true';
}

/** Cube Playground's address (the Cube server's root), for the hand-off redirect. */
export function cubePlaygroundUrl(env: Env = process.env): string {
  const explicit = env.CUBE_PLAYGROUND_URL;
  if (explicit) return explicit.replace(/\/+$/, '');
  return cubeApiUrl(env).replace(/\/cubejs-api\/v1$/, '');
}
