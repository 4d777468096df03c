/**
 * A restarted API instance answers its first queries slowly: it compiles the model and plans each
 * query on first use (seconds per query on a busy machine). Before the proxy sends it traffic
 * again, it answers the Analytics tab's queries here, sent straight to it, until they come back
 * at once.
 */
import { signCubeToken } from '../../cube/auth';
import { LOAD_BATCH_MAX_QUERIES } from '../../cube/load-batch-wire';
import { CubeClient } from '../../lib/cube-client';
import { tabQueries } from '../../web/lib/analytics/registry';

/**
 * Past this the instance rejoins anyway, partly warm: one instance fewer for longer costs more
 * than a few slow first answers. A cold instance on a busy 2-core machine needs about 10 s.
 */
const WARM_UP_LIMIT_MS = 20_000;

/**
 * Sends the tab's queries to `apiUrl`, pass after pass, until a pass in which every query was
 * answered at its first ask (errors included), and at least twice: the first pass compiles the
 * model, plans each query and fills the result cache; one that rejoined after that pass alone
 * still answered the proxy's first requests in seconds (p99 5.4 s against 68 ms before), because
 * a pass that ran out of time or met "Continue wait" had left queries unplanned.
 */
export async function warmUpApiInstance(apiUrl: string, apiSecret: string): Promise<void> {
  const token = signCubeToken(apiSecret, { sub: 'npm-start-warm-up', role: 'admin' }, 300);
  const queries = tabQueries(Date.now()).map((q) => q.query);
  const batches: Array<typeof queries> = [];
  for (let i = 0; i < queries.length; i += LOAD_BATCH_MAX_QUERIES)
    batches.push(queries.slice(i, i + LOAD_BATCH_MAX_QUERIES));
  const deadline = Date.now() + WARM_UP_LIMIT_MS;
  for (let pass = 1; Date.now() < deadline; pass++) {
    // In parallel: the model compiles once for all of them, and the instance plans them side by
    // side. Entries still running are asked again (only those); an error counts as not warm.
    const client = new CubeClient({ apiUrl, token, timeoutMs: Math.max(1, deadline - Date.now()) });
    const firstAsk = await Promise.all(
      batches.map((batch) =>
        client.loadBatchEntries(batch).then(
          (entries) => entries.every((entry) => entry.polls === 0),
          () => false,
        ),
      ),
    );
    if (pass >= 2 && firstAsk.every(Boolean)) return;
  }
}
