/**
 * A FAKE of the host product's own authentication, for this example only: a signed cookie
 * naming the user. A real host has its own (NextAuth, Clerk, a session table…); the embed
 * never sees it, only the token provider below does.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { cookies } from 'next/headers';

export const HOST_SESSION_COOKIE = 'acme_session';

function secret(): string {
  const value = process.env.HOST_SESSION_SECRET;
  if (!value || value.length < 16) throw new Error('HOST_SESSION_SECRET is not set (16+ chars)');
  return value;
}

const sign = (user: string) => createHmac('sha256', secret()).update(user).digest('base64url');

export function sessionCookieValue(user: string): string {
  return `${user}.${sign(user)}`;
}

/** The signed-in user's email, or null. */
export async function currentHostUser(): Promise<string | null> {
  const raw = (await cookies()).get(HOST_SESSION_COOKIE)?.value;
  if (!raw) return null;
  const dot = raw.lastIndexOf('.');
  const user = raw.slice(0, dot);
  const mac = Buffer.from(raw.slice(dot + 1));
  const expected = Buffer.from(sign(user));
  return dot > 0 && mac.length === expected.length && timingSafeEqual(mac, expected) ? user : null;
}
