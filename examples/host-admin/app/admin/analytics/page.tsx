import { AdminAnalytics } from '@admin-analytics/embed/server';
import { analyticsConfig } from '../../../lib/analytics';

type Search = Promise<Record<string, string | string[] | undefined>>;

export default async function AnalyticsPage(props: { searchParams: Search }) {
  return <AdminAnalytics config={analyticsConfig()} searchParams={await props.searchParams} />;
}
