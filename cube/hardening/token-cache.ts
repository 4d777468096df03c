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

/** A token's verified claims; the object is the same for every request with that token. */
export type VerifiedToken = { readonly claims: Readonly<Record<string, unknown>>; exp: number };

export class VerifiedTokens {
  readonly #byToken = new LRUCache<string, VerifiedToken>({ max: MAX_TOKENS });

  /** `now` in milliseconds; a parameter so a test can move past `exp` without waiting for it. */
  constructor(private readonly now: () => number = Date.now) {}

  /** The claims of a token verified before and not yet expired, or undefined. */
  peek(token: string): VerifiedToken | undefined {
    const entry = this.#byToken.get(token);
    // jsonwebtoken's own test: expired once the current second reaches `exp`.
    return entry && Math.floor(this.now() / 1000) < entry.exp ? entry : undefined;
  }

  /** `checkAuth` answering from here for tokens it accepted before. */
  wrap<F extends CheckAuth>(checkAuth: F): F {
    const cached = async (req: { securityContext?: unknown }, auth?: string) => {
      if (!auth) return checkAuth(req, auth);
      const entry = this.peek(auth);
      if (entry) {
        // A copy per request: Cube and queryRewrite hooks may add to the context they are given.
        req.securityContext = { ...entry.claims };
        return { securityContext: req.securityContext };
      }
      const result = await checkAuth(req, auth);
      const claims = expiring.safeParse(req.securityContext);
      if (claims.success) {
        this.#byToken.set(auth, { claims: { ...claims.data }, exp: claims.data.exp });
      }
      return result;
    };
    return cached as F;
  }
}
