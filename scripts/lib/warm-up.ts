/**
 * A restarted API instance answers its first queries slowly: it compiles the model and plans each
 * query on first use (seconds per query on a busy machine). Before the proxy sends it traffic
 * again, it answers the Analytics tab's queries once here, sent straight to it.
 */
import { signCubeToken } from '../../cube/auth';
import { LOAD_BATCH_MAX_QUERIES, LOAD_BATCH_METHOD } from '../../cube/load-batch-wire';
import { tabQueries } from '../../web/lib/analytics/registry';

/**
 * Past this the instance rejoins anyway, partly warm: one instance fewer for longer costs more
 * than a few slow first answers.
 */
const WARM_UP_LIMIT_MS = 5_000;

/** Sends the tab's queries to `apiUrl` until each has an answer (errors included) or time is up. */
export async function warmUpApiInstance(apiUrl: string, apiSecret: string): Promise<void> {
  const token = signCubeToken(apiSecret, { sub: 'npm-start-warm-up', role: 'admin' }, 300);
  const deadline = Date.now() + WARM_UP_LIMIT_MS;
  const queries = tabQueries(Date.now()).map((q) => ({ query: q.query, queryType: 'multi' }));
  const batches: Array<typeof queries> = [];
  for (let i = 0; i < queries.length; i += LOAD_BATCH_MAX_QUERIES)
    batches.push(queries.slice(i, i + LOAD_BATCH_MAX_QUERIES));
  // In parallel: the model compiles once for all of them, and the instance plans them side by side.
  await Promise.all(batches.map((batch) => warmBatch(apiUrl, token, batch, deadline)));
}

async function warmBatch(
  apiUrl: string,
  token: string,
  queries: Array<{ query: unknown; queryType: string }>,
  deadline: number,
): Promise<void> {
  let batch = queries;
  while (batch.length > 0 && Date.now() < deadline) {
    const response = await fetch(`${apiUrl}/${LOAD_BATCH_METHOD}`, {
      method: 'POST',
      headers: { Authorization: token, 'content-type': 'application/json' },
      body: JSON.stringify({ queries: batch }),
      signal: AbortSignal.timeout(Math.max(1, deadline - Date.now())),
    }).catch(() => null);
    if (!response?.ok) return;
    const { results } = (await response.json()) as {
      results: Array<{ body: { error?: string } }>;
    };
    // "Continue wait": the query is still running; only those are asked again.
    batch = batch.filter((_, j) => results[j]?.body.error === 'Continue wait');
  }
}
