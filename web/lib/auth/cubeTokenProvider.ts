/**
 * The demo admin as a host of the embed: its token provider checks the demo session and mints
 * a Cube token with the shared secret (server only). It is what /api/cube-token serves and what
 * the analytics page's server render uses.
 */
import type { CubeTokenProvider, EmbedConfig } from '../../embed/config';
import { TokenRefusedError } from '../../embed/config';
import { cubeApiSecret, cubeApiUrl } from '../env';
import { mintCubeToken } from './cubeToken';
import { getSession } from './server';

export const demoTokenProvider: CubeTokenProvider = async () => {
  const session = await getSession();
  if (!session) throw new TokenRefusedError(401, 'Not signed in');
  if (session.role !== 'admin') throw new TokenRefusedError(403, 'Only admins may query analytics');
  const { token, expiresAt } = mintCubeToken({
    sub: session.sub,
    secret: cubeApiSecret(),
    apiUrl: cubeApiUrl(),
    nowMs: Date.now(),
  });
  return { token, expiresAt };
};

/** The demo's embed configuration (read per request: the environment may change in tests). */
export function demoEmbedConfig(): EmbedConfig {
  return {
    cubeApiUrl: cubeApiUrl(),
    getToken: demoTokenProvider,
    // ANALYTICS_PREFETCH=0 turns the server render of the data off (the e2e's before/after).
    prefetch: process.env.ANALYTICS_PREFETCH !== '0',
    // ANALYTICS_FIXED_NOW (an ISO instant) pins the tab's clock: the e2e's visual baselines.
    ...(process.env.ANALYTICS_FIXED_NOW ? { now: process.env.ANALYTICS_FIXED_NOW } : {}),
    ...(process.env.CUBE_SERVER_API_URL
      ? { serverCubeApiUrl: process.env.CUBE_SERVER_API_URL }
      : {}),
  };
}
