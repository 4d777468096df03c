import { createCubeTokenHandler } from '@admin-analytics/embed/server';
import { analyticsConfig } from '../../../lib/analytics';

/** Fresh tokens for the tab in the browser (chips, refetch), under Acme's session cookie. */
export function GET() {
  return createCubeTokenHandler(analyticsConfig())();
}
