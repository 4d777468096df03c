import { createAnalyticsServer } from '@admin-analytics/embed/server';
import { analyticsConfig } from '../../../lib/analytics';
import { currentHostUser } from '../../../lib/fake-host-auth';

/** Acme's own API calling one of the embed's server functions (as a tRPC procedure would). */
export async function GET(request: Request) {
  if (!(await currentHostUser())) {
    return Response.json({ error: 'Sign in to Acme first' }, { status: 401 });
  }
  const timeframe = new URL(request.url).searchParams.get('tf') ?? '7d';
  const analytics = createAnalyticsServer(analyticsConfig());
  try {
    const answer = await analytics.getTopTemplates({ timeframe: timeframe as '7d' });
    return Response.json(answer);
  } catch (error) {
    return Response.json({ error: (error as Error).message }, { status: 400 });
  }
}
