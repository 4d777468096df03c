/**
 * Recorded Cube `/load` responses (tests/fixtures/cube/*.recorded.json) and a fake transport
 * for `@cubejs-client/core` that answers like Cube's REST API would: the client always asks
 * for `queryType=multi`, so single-result recordings are wrapped in the multi envelope.
 * Generic on purpose: fixtures can be replaced by real recordings from the engine.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ITransport } from '@cubejs-client/core';
import { type LoadResponse, toMultiResponse } from '../../../web/lib/cube/response';
import { parseCubeTimestamp } from '../../../web/lib/timeframe';

const FIXTURES = `${path.resolve(import.meta.dirname, '../../fixtures/cube')}/`;

export function fixtureNames(): string[] {
  return fs
    .readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.recorded.json'))
    .map((f) => f.replace(/\.recorded\.json$/, ''))
    .sort();
}

export function readFixture(name: string): unknown {
  return JSON.parse(fs.readFileSync(`${FIXTURES}${name}.recorded.json`, 'utf8'));
}

export function fixtureResponse(name: string): LoadResponse {
  return toMultiResponse(readFixture(name));
}

/**
 * "Now" for a recording: the end of the first date range of its (first) query, so the
 * hooks compute exactly the windows the recording was made for. Fixtures without a date
 * range fall back to the given instant.
 */
export function fixtureNow(name: string, fallback = Date.parse('2026-11-20T14:35:00Z')): number {
  const [first] = fixtureResponse(name).results;
  const tds = first?.query.timeDimensions;
  if (Array.isArray(tds)) {
    for (const td of tds) {
      if (
        typeof td === 'object' &&
        td !== null &&
        'dateRange' in td &&
        Array.isArray(td.dateRange)
      ) {
        const end: unknown = td.dateRange[1];
        if (typeof end === 'string') return parseCubeTimestamp(end);
      }
    }
  }
  return fallback;
}

export interface Reply {
  readonly status: number;
  readonly body: unknown;
}

/** The query part of a `/load` request as the client sent it. */
export type SentQuery = Record<string, unknown> & {
  measures?: string[];
  timeDimensions?: Record<string, unknown>[];
};

export interface FakeCube {
  readonly transport: ITransport<unknown>;
  /** Every `/load` request, in order. */
  readonly calls: SentQuery[];
  /** Authorization header of every request, in order. */
  readonly authorizations: (string | undefined)[];
  /** Every request whose answer the client has been handed and has finished reading, in order. */
  readonly answered: SentQuery[];
}

export function ok(fixture: string): Reply {
  return { status: 200, body: readFixture(fixture) };
}

export function cubeError(status: number, error: string): Reply {
  return { status, body: { error } };
}

function asMulti(body: unknown): unknown {
  if (typeof body === 'object' && body !== null && ('results' in body || 'error' in body)) {
    return body;
  }
  return toMultiResponse(body);
}

/** A transport whose `/load` answers come from `handler` (sync or deferred). */
export function fakeCube(
  handler: (query: SentQuery, index: number) => Reply | Promise<Reply>,
): FakeCube {
  const calls: SentQuery[] = [];
  const authorizations: (string | undefined)[] = [];
  const answered: SentQuery[] = [];
  const transport: ITransport<unknown> = {
    authorization: undefined,
    request(method: string, params: Record<string, unknown>) {
      if (method !== 'load') throw new Error(`fake Cube: unexpected method ${method}`);
      const query = params.query as SentQuery;
      const index = calls.length;
      calls.push(query);
      authorizations.push(transport.authorization);
      return {
        async subscribe(callback) {
          const reply = await handler(query, index);
          const body = reply.status === 200 ? asMulti(reply.body) : reply.body;
          const response = new Response(JSON.stringify(body), {
            status: reply.status,
            headers: { 'Content-Type': 'application/json' },
          });
          try {
            return await callback(response, async () => {
              throw new Error('fake Cube: resubscribe is not supported');
            });
          } finally {
            answered.push(query);
          }
        },
      };
    },
  };
  return { transport, calls, authorizations, answered };
}

/** Answers by the first measure of the query: `{ 'exports_overview.exports': ok('…') }`. */
export function byMeasure(
  replies: Record<string, Reply | (() => Reply | Promise<Reply>)>,
): (query: SentQuery) => Reply | Promise<Reply> {
  return (query) => {
    const measure = query.measures?.[0] ?? '';
    const reply = replies[measure];
    if (!reply) return cubeError(400, `fake Cube: no reply for ${measure}`);
    return typeof reply === 'function' ? reply() : reply;
  };
}

export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** A numeric cell of a recording (numbers arrive as numbers or numeric strings). */
export function recordedNumber(name: string, member: string, row = 0, result = 0): number {
  const value = fixtureResponse(name).results[result]?.data[row]?.[member];
  if (value === undefined || value === null) throw new Error(`${name}: no ${member} in row ${row}`);
  return Number(value);
}

/** The sum of a numeric column of a recording's first result. */
export function recordedSum(name: string, member: string): number {
  return (fixtureResponse(name).results[0]?.data ?? []).reduce(
    (sum, row) => sum + Number(row[member] ?? 0),
    0,
  );
}

/** The rows of a recording's first result. */
export function recordedRows(name: string): Record<string, unknown>[] {
  return fixtureResponse(name).results[0]?.data ?? [];
}
