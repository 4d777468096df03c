/**
 * What this host writes to embed the tab: its configuration, with a token provider that checks
 * the host's own session and mints a short-lived Cube token on this server (the secret stays here).
 */
import { type EmbedConfig, TokenRefusedError } from '@admin-analytics/embed';
import jwt from 'jsonwebtoken';
import { currentHostUser } from './fake-host-auth';

const TTL_SECONDS = 600;

export async function hostCubeToken() {
  const user = await currentHostUser();
  if (!user) throw new TokenRefusedError(401, 'Sign in to Acme first');
  const secret = process.env.CUBEJS_API_SECRET;
  if (!secret) throw new Error('CUBEJS_API_SECRET is not set on the Acme server');
  return {
    // The claims Cube's access policy reads; HS256 with the secret Cube verifies against.
    token: jwt.sign({ sub: `acme:${user}`, role: 'admin' }, secret, {
      algorithm: 'HS256',
      expiresIn: TTL_SECONDS,
    }),
    expiresAt: new Date(Date.now() + TTL_SECONDS * 1000).toISOString(),
  };
}

export function analyticsConfig(): EmbedConfig {
  return {
    cubeApiUrl: process.env.ACME_CUBE_API_URL ?? '',
    getToken: hostCubeToken,
    // Acme's teal, on the tab only (docs/embedding.md lists the variables).
    theme: { '--accent': '#0f766e', '--series-1': '#0f766e', '--bar': 'rgba(15, 118, 110, 0.12)' },
  };
}
