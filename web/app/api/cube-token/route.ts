import { mintCubeToken } from '../../../lib/auth/cubeToken';
import { getSession } from '../../../lib/auth/server';
import { ConfigError, cubeApiSecret, cubeApiUrl } from '../../../lib/env';

const NO_STORE = { 'Cache-Control': 'no-store' };

/**
 * A 10-minute Cube JWT `{ sub, role: 'admin' }` for the signed-in admin:
 * `{ token, apiUrl, expiresAt }`. 401 without a session, 403 for non-admins.
 */
export async function GET() {
  const session = await getSession();
  if (!session) {
    return Response.json({ error: 'Not signed in' }, { status: 401, headers: NO_STORE });
  }
  if (session.role !== 'admin') {
    return Response.json(
      { error: 'Only admins may query analytics' },
      { status: 403, headers: NO_STORE },
    );
  }
  try {
    const body = mintCubeToken({
      sub: session.sub,
      secret: cubeApiSecret(),
      apiUrl: cubeApiUrl(),
      nowMs: Date.now(),
    });
    return Response.json(body, { headers: NO_STORE });
  } catch (error) {
    if (error instanceof ConfigError) {
      return Response.json({ error: error.message }, { status: 500, headers: NO_STORE });
    }
    throw error;
  }
}
