/**
 * The session cookie: `base64url(JSON payload).base64url(HMAC-SHA256(payload, SESSION_SECRET))`,
 * httpOnly, SameSite=Lax. Pure functions; reading and writing cookies is in `server.ts`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

export const SESSION_COOKIE = 'admin_session';
export const SESSION_TTL_SECONDS = 8 * 60 * 60;

export const roleSchema = z.enum(['admin', 'member']);
export type Role = z.infer<typeof roleSchema>;

export const sessionSchema = z
  .object({
    sub: z.string().min(1),
    name: z.string(),
    role: roleSchema,
    /** Expiry, seconds since the epoch. */
    exp: z.number().int(),
  })
  .strict();
export type Session = z.infer<typeof sessionSchema>;

function mac(payload: string, secret: string): string {
  return createHmac('sha256', secret).update(payload).digest('base64url');
}

export function signSession(session: Session, secret: string): string {
  const payload = Buffer.from(JSON.stringify(sessionSchema.parse(session))).toString('base64url');
  return `${payload}.${mac(payload, secret)}`;
}

/** The session in a cookie value, or null if it is malformed, forged or expired. */
export function verifySession(
  value: string | undefined,
  secret: string,
  nowMs: number,
): Session | null {
  if (!value) return null;
  const [payload, signature, extra] = value.split('.');
  if (!payload || !signature || extra !== undefined) return null;
  const expected = Buffer.from(mac(payload, secret));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  try {
    const parsed = sessionSchema.safeParse(
      JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')),
    );
    if (!parsed.success || parsed.data.exp * 1000 <= nowMs) return null;
    return parsed.data;
  } catch {
    return null;
  }
}

export function newSession(
  account: { email: string; name: string; role: Role },
  nowMs: number,
): Session {
  return {
    sub: account.email,
    name: account.name,
    role: account.role,
    exp: Math.floor(nowMs / 1000) + SESSION_TTL_SECONDS,
  };
}

/**
 * A same-origin path to return to after sign-in; anything else becomes the default. The path is
 * returned normalised (dot segments resolved, percent-encoded dots included): `/..//evil.example`
 * normalises to `//evil.example`, which a browser or Next's router reads as another origin.
 */
export function safeReturnPath(value: unknown, fallback = '/admin/analytics'): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//'))
    return fallback;
  if (value.includes('\\') || [...value].some((ch) => ch.charCodeAt(0) < 0x20)) return fallback;
  const base = 'http://return-path.invalid';
  let url: URL;
  try {
    url = new URL(value, base);
  } catch {
    return fallback;
  }
  if (url.origin !== base || url.pathname.startsWith('//') || /%2f|%5c/i.test(url.pathname))
    return fallback;
  return `${url.pathname}${url.search}${url.hash}`;
}
