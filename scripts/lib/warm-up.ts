/**
 * A restarted API instance answers its first queries slowly: it compiles the model and plans each
 * query on first use (seconds per query on a busy machine). Before the proxy sends it traffic
 * again, it answers the Analytics tab's queries once here, sent straight to it.
 */
import { signCubeToken } from '../../cube/auth';
import { LOAD_BATCH_MAX_QUERIES } from '../../cube/load-batch-wire';
import { CubeClient } from '../../lib/cube-client';
import { tabQueries } from '../../web/lib/analytics/registry';

/**
 * Past this the instance rejoins anyway, partly warm: one instance fewer for longer costs more
 * than a few slow first answers.
 */
const WARM_UP_LIMIT_MS = 5_000;

/** Sends the tab's queries to `apiUrl` until each has an answer (errors included) or time is up. */
export async function warmUpApiInstance(apiUrl: string, apiSecret: string): Promise<void> {
  const token = signCubeToken(apiSecret, { sub: 'npm-start-warm-up', role: 'admin' }, 300);
  const queries = tabQueries(Date.now()).map((q) => q.query);
  const batches: Array<typeof queries> = [];
  for (let i = 0; i < queries.length; i += LOAD_BATCH_MAX_QUERIES)
    batches.push(queries.slice(i, i + LOAD_BATCH_MAX_QUERIES));
  // In parallel: the model compiles once for all of them, and the instance plans them side by side.
  // Entries still running are asked again (only those) until the limit; errors end the warm-up.
  const client = new CubeClient({ apiUrl, token, timeoutMs: WARM_UP_LIMIT_MS });
  await Promise.all(batches.map((batch) => client.loadBatchEntries(batch).catch(() => undefined)));
}
