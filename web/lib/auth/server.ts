/**
 * Session access for Server Components, Server Functions and Route Handlers.
 */
import { cookies, headers } from 'next/headers';
import { forbidden, redirect } from 'next/navigation';
import { sessionSecret } from '../env';
import {
  newSession,
  type Role,
  SESSION_COOKIE,
  SESSION_TTL_SECONDS,
  type Session,
  signSession,
  verifySession,
} from './session';

/** The signed-in user, or null (also when SESSION_SECRET is missing: nobody is signed in). */
export async function getSession(): Promise<Session | null> {
  const store = await cookies();
  let secret: string;
  try {
    secret = sessionSecret();
  } catch {
    return null;
  }
  return verifySession(store.get(SESSION_COOKIE)?.value, secret, Date.now());
}

/** The session, or a redirect to the sign-in page that comes back to `returnTo`. */
export async function requireSession(returnTo: string): Promise<Session> {
  const session = await getSession();
  if (!session) redirect(`/sign-in?next=${encodeURIComponent(returnTo)}`);
  return session;
}

/** The admin session; a signed-in non-admin gets the 403 page (forbidden.tsx). */
export async function requireAdmin(returnTo: string): Promise<Session> {
  const session = await requireSession(returnTo);
  if (session.role !== 'admin') forbidden();
  return session;
}

async function requestIsHttps(): Promise<boolean> {
  const h = await headers();
  const proto = h.get('x-forwarded-proto')?.split(',')[0]?.trim();
  if (proto) return proto === 'https';
  return (h.get('origin') ?? '').startsWith('https://');
}

/** Server Functions only: sets the signed httpOnly session cookie. */
export async function startSession(account: { email: string; name: string; role: Role }) {
  const value = signSession(newSession(account, Date.now()), sessionSecret());
  const store = await cookies();
  store.set(SESSION_COOKIE, value, {
    httpOnly: true,
    sameSite: 'lax',
    secure: await requestIsHttps(),
    path: '/',
    maxAge: SESSION_TTL_SECONDS,
  });
}

export async function endSession() {
  const store = await cookies();
  store.delete(SESSION_COOKIE);
}
