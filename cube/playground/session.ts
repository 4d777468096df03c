/**
 * Who may open the Playground: the bearer of a valid admin Cube token, exactly the tokens Cube's
 * API accepts (`apiScopesFor` decides, so the two can never disagree). The web app hands one over
 * at `/playground/sign-in`; the Playground keeps its own short-lived token in an httpOnly cookie.
 */
import jwt from 'jsonwebtoken';
import { apiScopesFor, MAX_TOKEN_TTL_SECONDS, signCubeToken } from '../auth';

export const PLAYGROUND_COOKIE = 'cube_playground';
/** The Playground session lasts as long as the longest token Cube accepts. */
export const PLAYGROUND_SESSION_SECONDS = MAX_TOKEN_TTL_SECONDS;

export type PlaygroundAccess =
  | { readonly ok: true; readonly sub: string; readonly token: string; readonly exp: number }
  | { readonly ok: false; readonly status: 401 | 403; readonly reason: string };

export async function checkPlaygroundToken(
  token: string | undefined,
  secret: string,
): Promise<PlaygroundAccess> {
  if (!token) return { ok: false, status: 401, reason: 'You are not signed in.' };
  let payload: unknown;
  try {
    payload = jwt.verify(token, secret, { algorithms: ['HS256'] });
  } catch (error) {
    const expired = error instanceof jwt.TokenExpiredError;
    return {
      ok: false,
      status: 401,
      reason: expired ? 'Your sign-in has expired.' : 'Your sign-in token is not valid.',
    };
  }
  const scopes = await apiScopesFor(payload);
  if (!scopes.includes('data') || typeof payload !== 'object' || payload === null) {
    return { ok: false, status: 403, reason: 'Only admins may use Cube Playground.' };
  }
  const { sub, exp } = payload as { sub: string; exp: number };
  return { ok: true, sub, token, exp };
}

/** A fresh session token for an admin whose hand-off token was just checked. */
export function playgroundSessionToken(secret: string, sub: string): string {
  return signCubeToken(secret, { sub, role: 'admin' }, PLAYGROUND_SESSION_SECONDS);
}
