import { mintCubeToken } from '../../../lib/auth/cubeToken';
import { getSession } from '../../../lib/auth/server';
import { cubeApiSecret, cubeApiUrl, cubePlaygroundUrl } from '../../../lib/env';

/** The hand-off token only has to survive one redirect; the Playground mints its own session. */
const HAND_OFF_TTL_SECONDS = 60;

/**
 * `/admin/playground?query=<Cube query JSON>`: the signed-in admin's way into Cube Playground.
 * Mints a one-minute admin Cube token and redirects to the Playground's sign-in, which trades it
 * for an httpOnly session cookie and opens the query builder on `query`.
 */
export async function GET(request: Request) {
  const url = new URL(request.url);
  const session = await getSession();
  if (!session) {
    const next = `${url.pathname}${url.search}`;
    return Response.redirect(new URL(`/sign-in?next=${encodeURIComponent(next)}`, url), 303);
  }
  if (session.role !== 'admin') {
    return new Response('Cube Playground is for admins only.', {
      status: 403,
      headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
    });
  }
  const { token } = mintCubeToken({
    sub: session.sub,
    secret: cubeApiSecret(),
    apiUrl: cubeApiUrl(),
    nowMs: Date.now(),
    ttlSeconds: HAND_OFF_TTL_SECONDS,
  });
  const target = new URL(`${cubePlaygroundUrl()}/playground/sign-in`);
  target.searchParams.set('token', token);
  const query = url.searchParams.get('query');
  if (query) target.searchParams.set('query', query);
  return new Response(null, {
    status: 303,
    headers: {
      Location: target.toString(),
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
    },
  });
}
