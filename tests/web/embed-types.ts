/**
 * Compile-time checks of the embed's public surface (tsc -p web/tsconfig.json includes this
 * file; it never runs). Each `@ts-expect-error` line must fail to compile: if the surface ever
 * accepts it, the directive itself becomes the error and `npm test` fails.
 */
import {
  cubeQuery,
  type TypedQuery,
  useExportFunnel,
  useTopTemplates,
  useTrends,
  useWoW,
} from '../../web/embed';
import type { AnalyticsServer } from '../../web/embed/server';

export function useHostWidgets() {
  const ok = useTopTemplates({ timeframe: '7d', limit: 5 });
  // @ts-expect-error — no such timeframe
  useTopTemplates({ timeframe: '1y' });
  // @ts-expect-error — no such trend metric
  useTrends({ timeframe: '7d', metrics: ['revenue'] });
  // @ts-expect-error — weeks is 1, 2 or 4
  useWoW({ metric: 'paying_users', weeks: 3 });
  // @ts-expect-error — the exports section has no widget "funnel"
  useExportFunnel({ timeframe: '7d', widget: 'funnel' });
  // The data type follows the widget asked for.
  const totals = useExportFunnel({ timeframe: '7d', widget: 'totals' });
  const exportsCount: number | undefined = totals.data?.exports;
  return [ok, exportsCount];
}

export const memberChecked: TypedQuery = cubeQuery({
  // @ts-expect-error — not a measure of the semantic layer
  measures: ['exports.revenue'],
  timezone: 'UTC',
});

export async function hostRouter(server: AnalyticsServer) {
  const top = await server.getTopTemplates({ timeframe: '30d' });
  const first: string | undefined = top.value[0]?.name;
  // @ts-expect-error — the releases section has no widget "bogus"
  await server.getReleaseAnalytics({ timeframe: '7d', widget: 'bogus' });
  return first;
}
