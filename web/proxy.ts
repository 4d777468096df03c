import { type NextRequest, NextResponse } from 'next/server';
import { SESSION_COOKIE, verifySession } from './lib/auth/session';
import { contentSecurityPolicy } from './lib/security-headers';

/**
 * Every page gets the Content-Security-Policy (it names Cube's origin, known only at run time).
 * Signed-out visitors of the admin area go to the sign-in page, which brings them back to the
 * exact URL (timeframe included) afterwards. Pages check the session and role again.
 */
export function proxy(request: NextRequest) {
  const response = isAdminPath(request.nextUrl.pathname) ? adminGate(request) : NextResponse.next();
  response.headers.set('Content-Security-Policy', contentSecurityPolicy());
  return response;
}

function isAdminPath(pathname: string): boolean {
  return pathname === '/admin' || pathname.startsWith('/admin/');
}

function adminGate(request: NextRequest): NextResponse {
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
  // Pages only: static assets and images need no policy of their own.
  matcher: ['/((?!_next/static|_next/image|favicon.ico|icon.svg).*)'],
};
