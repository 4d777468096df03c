import { createCubeTokenHandler } from '../../../embed/server';
import { demoEmbedConfig } from '../../../lib/auth/cubeTokenProvider';

/**
 * A 10-minute Cube JWT `{ sub, role: 'admin' }` for the signed-in admin:
 * `{ token, apiUrl, expiresAt }`. 401 without a session, 403 for non-admins.
 */
export async function GET() {
  return createCubeTokenHandler(demoEmbedConfig())();
}
