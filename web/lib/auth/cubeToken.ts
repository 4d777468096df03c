/**
 * Mints the short-lived Cube JWT the browser queries with: HS256, `{ sub, role: 'admin' }`,
 * 10 minutes. Only ever called for a signed-in admin (see app/api/cube-token/route.ts).
 */
import jwt from 'jsonwebtoken';
import { CUBE_TOKEN_TTL_SECONDS, type CubeTokenResponse } from '../cube/token';

export function mintCubeToken(input: {
  sub: string;
  secret: string;
  apiUrl: string;
  nowMs: number;
  ttlSeconds?: number;
}): CubeTokenResponse {
  const iat = Math.floor(input.nowMs / 1000);
  const exp = iat + (input.ttlSeconds ?? CUBE_TOKEN_TTL_SECONDS);
  const token = jwt.sign({ sub: input.sub, role: 'admin', iat, exp }, input.secret, {
    algorithm: 'HS256',
  });
  return { token, apiUrl: input.apiUrl, expiresAt: new Date(exp * 1000).toISOString() };
}
