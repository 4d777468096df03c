/**
 * The web app's Content-Security-Policy, set per request by web/proxy.ts because it names Cube's
 * origin, which is only known at run time (the static headers are in next.config.ts).
 */
import { cubeApiUrl, type Env, releaseMediaHosts } from './env';

/**
 * Scripts and styles only from the app itself. Next's App Router streams its payload in inline
 * scripts and the charts set inline styles, hence 'unsafe-inline' (a nonce would force every
 * page to render per request); `next dev` also needs eval. The browser calls Cube directly.
 */
export function contentSecurityPolicy(env: Env = process.env): string {
  const cubeOrigin = new URL(cubeApiUrl(env)).origin;
  const dev = env.NODE_ENV === 'development';
  return [
    "default-src 'self'",
    `script-src 'self' 'unsafe-inline'${dev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    // Template thumbnails come from wherever the product stores them (a CDN), over https.
    "img-src 'self' data: blob: https:",
    "font-src 'self' data:",
    // Release videos play only from the app and the configured media hosts.
    `media-src ${["'self'", ...releaseMediaHosts(env)].join(' ')}`,
    `connect-src 'self' ${cubeOrigin}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}
