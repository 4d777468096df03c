import type { Metadata } from 'next';
import { Suspense } from 'react';
import { requireAdmin } from '../../../lib/auth/server';
import type { SearchParamsProps } from '../../../lib/routing';
import { AnalyticsTab } from './AnalyticsTab';

export const metadata: Metadata = { title: 'Analytics · Admin' };

export default async function AnalyticsPage(props: SearchParamsProps) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(await props.searchParams)) {
    if (typeof value === 'string') search.set(key, value);
  }
  const query = search.toString();
  await requireAdmin(`/admin/analytics${query ? `?${query}` : ''}`);
  return (
    <Suspense fallback={null}>
      <AnalyticsTab />
    </Suspense>
  );
}
