/**
 * Verified JWT claims kept per token until the token expires. The web app reuses one token for
 * every request of a tab for minutes, and Cube's default check verified its HMAC (building a key
 * object each time) on every one: ~2 % of Cube's CPU per warm request in the profile.
 *
 * Only the signature check and `exp` are remembered: a token is served from here only before its
 * `exp`, exactly when `jsonwebtoken` would still accept it (nothing else it checks can change
 * with time once passed), and failures are never remembered. The lifetime rules of
 * `apiScopesFor` (cube/auth.ts) still run on every request through Cube's scope check.
 */
import { LRUCache } from 'lru-cache';
import { z } from 'zod';

type CheckAuth = (req: { securityContext?: unknown }, auth?: string) => Promise<unknown>;

const MAX_TOKENS = 10_000;
const expiring = z.object({ exp: z.number() }).loose();

export function cacheVerifiedTokens<F extends CheckAuth>(checkAuth: F): F {
  const claimsByToken = new LRUCache<string, { claims: Record<string, unknown>; exp: number }>({
    max: MAX_TOKENS,
  });
  const cached = async (req: { securityContext?: unknown }, auth?: string) => {
    if (!auth) return checkAuth(req, auth);
    const entry = claimsByToken.get(auth);
    // jsonwebtoken's own test: expired once the current second reaches `exp`.
    if (entry && Math.floor(Date.now() / 1000) < entry.exp) {
      // A copy per request: Cube and queryRewrite hooks may add to the context they are given.
      req.securityContext = { ...entry.claims };
      return { securityContext: req.securityContext };
    }
    const result = await checkAuth(req, auth);
    const claims = expiring.safeParse(req.securityContext);
    if (claims.success) {
      claimsByToken.set(auth, { claims: { ...claims.data }, exp: claims.data.exp });
    }
    return result;
  };
  return cached as F;
}
