// @vitest-environment node
/**
 * The batching transport (web/lib/cube/batch-transport.ts) when a query is aborted after its
 * batch went out: that query answers at once as its own aborted `/load` would, its neighbours
 * still get their answers, and a batch nobody waits for any more is cancelled on the wire.
 * Against a real HTTP server that holds `/load-batch` answers until the test releases them.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import cube from '@cubejs-client/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { LOAD_BATCH_METHOD } from '../../cube/load-batch-wire';
import { BatchingTransport } from '../../web/lib/cube/batch-transport';

type Held = { queries: number; release(): void; closedEarly: Promise<boolean> };

const held: Held[] = [];
const arrivals: Array<(h: Held) => void> = [];
const server = http.createServer((req, res) => {
  if (req.url !== `/cubejs-api/v1/${LOAD_BATCH_METHOD}`) {
    res.statusCode = 404;
    res.end();
    return;
  }
  let body = '';
  req.on('data', (chunk: Buffer) => {
    body += chunk.toString();
  });
  req.on('end', () => {
    const { queries } = JSON.parse(body) as { queries: unknown[] };
    let answered = false;
    const closedEarly = new Promise<boolean>((resolve) => {
      res.on('close', () => resolve(!answered));
    });
    const entry: Held = {
      queries: queries.length,
      closedEarly,
      release: () => {
        if (res.destroyed) return;
        answered = true;
        res.setHeader('Content-Type', 'application/json');
        res.end(
          JSON.stringify({
            results: queries.map(() => ({ status: 200, body: { results: [] } })),
          }),
        );
      },
    };
    const waiter = arrivals.shift();
    if (waiter) waiter(entry);
    else held.push(entry);
  });
});
const nextBatch = () =>
  new Promise<Held>((resolve) => {
    const ready = held.shift();
    if (ready) resolve(ready);
    else arrivals.push(resolve);
  });

let apiUrl = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/cubejs-api/v1`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const query = (limit: number) => ({ measures: ['exports_overview.exports'], limit });
/** The transport's answer to one query, as the Cube client receives it. */
const answerOf = (transport: BatchingTransport, limit: number, signal?: AbortSignal) =>
  transport
    .request('load', { query: query(limit), queryType: 'multi', signal })
    .subscribe(async (response) => response);
/** Rejects when `promise` has not settled within `ms` (the batch is still held meanwhile). */
const within = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`not settled within ${ms} ms`)), ms),
    ),
  ]);

describe('an aborted query of a batch already sent', () => {
  test('answers at once as aborted; the others answer when the batch does', async () => {
    const transport = new BatchingTransport({ apiUrl });
    const abort = new AbortController();
    const aborted = answerOf(transport, 1, abort.signal);
    const other = answerOf(transport, 2, new AbortController().signal);
    const batch = await nextBatch();
    expect(batch.queries).toBe(2);
    abort.abort();
    await expect(within(aborted, 1000)).resolves.toEqual({ error: 'aborted' });
    batch.release();
    const answer = await within(other, 5000);
    expect(answer).toBeInstanceOf(Response);
    expect((answer as Response).status).toBe(200);
    expect(await batch.closedEarly).toBe(false);
  });

  test('a timeout reads as a timeout, as Cube’s own transport reports it', async () => {
    const transport = new BatchingTransport({ apiUrl });
    const timedOut = answerOf(transport, 3, AbortSignal.timeout(50));
    const other = answerOf(transport, 4);
    const batch = await nextBatch();
    await expect(within(timedOut, 1000)).resolves.toEqual({ error: 'timeout' });
    batch.release();
    await within(other, 5000);
  });

  test('when every query of a batch is aborted, the request itself is cancelled', async () => {
    const transport = new BatchingTransport({ apiUrl });
    const controllers = [new AbortController(), new AbortController()];
    const answers = controllers.map((c, i) => answerOf(transport, 10 + i, c.signal));
    const batch = await nextBatch();
    for (const c of controllers) c.abort();
    expect(await within(Promise.all(answers), 1000)).toEqual([
      { error: 'aborted' },
      { error: 'aborted' },
    ]);
    expect(await within(batch.closedEarly, 2000)).toBe(true);
  });

  test('through the Cube client: the aborted load rejects promptly, its neighbour resolves', async () => {
    const client = cube(async () => 'token', {
      apiUrl,
      transport: new BatchingTransport({ apiUrl }),
    });
    const abort = new AbortController();
    const aborted = client.load(query(20), { signal: abort.signal });
    const other = client.load(query(21));
    const batch = await nextBatch();
    abort.abort();
    await expect(within(aborted, 1000)).rejects.toThrow(/abort/i);
    batch.release();
    await expect(within(other, 5000)).resolves.toBeDefined();
  });
});
