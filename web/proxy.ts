import { type NextRequest, NextResponse } from 'next/server';
import { SESSION_COOKIE, verifySession } from './lib/auth/session';

/**
 * Signed-out visitors of the admin area go to the sign-in page, which brings them back to the
 * exact URL (timeframe included) afterwards. Pages check the session and role again.
 */
export function proxy(request: NextRequest) {
  const secret = process.env.SESSION_SECRET ?? '';
  const session =
    secret.length >= 16
      ? verifySession(request.cookies.get(SESSION_COOKIE)?.value, secret, Date.now())
      : null;
  if (session) return NextResponse.next();
  const signIn = new URL('/sign-in', request.url);
  signIn.searchParams.set('next', `${request.nextUrl.pathname}${request.nextUrl.search}`);
  return NextResponse.redirect(signIn);
}

export const config = {
  matcher: ['/admin', '/admin/:path*'],
};
