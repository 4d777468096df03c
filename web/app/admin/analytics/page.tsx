import type { Metadata } from 'next';
import { AdminAnalytics } from '../../../embed/server';
import { searchOf } from '../../../embed/state';
import { demoEmbedConfig } from '../../../lib/auth/cubeTokenProvider';
import { requireAdmin } from '../../../lib/auth/server';
import type { SearchParamsProps } from '../../../lib/routing';

export const metadata: Metadata = { title: 'Analytics · Admin' };

/** The demo admin is one host of the embed: its own session check, then the tab. */
export default async function AnalyticsPage(props: SearchParamsProps) {
  const searchParams = await props.searchParams;
  const query = searchOf(searchParams);
  await requireAdmin(`/admin/analytics${query ? `?${query}` : ''}`);
  return <AdminAnalytics config={demoEmbedConfig()} searchParams={searchParams} />;
}
