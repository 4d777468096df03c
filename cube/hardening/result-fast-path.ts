/**
 * The result fast path: a repeated `/load` answered from memory, as the JSON bytes Cube's own
 * path produced for the same request, without re-normalising, re-planning or re-serialising it.
 *
 * Why: a CPU profile of warm requests (BENCHMARKS.md, "Load and the per-request floor") showed
 * Cube spending ~8 ms of CPU on every result-cache hit (query normalisation with moment, the
 * planner, the orchestrator's cache lookups, the result transform, log redaction), so one event
 * loop served ~120 warm queries/s and 50 admins saturated it.
 *
 * When an entry is the answer Cube's own path would give right now:
 * - Only answers derived entirely from rollups are kept. Such an answer changes only when the
 *   rollup tables Cube reads change, and Cube learns of those only by refetching its table
 *   listing (after each build, or when the cached listing expires): every refetch moves the
 *   listing generation (cube/engine/rollup-listing.ts), which retires every entry, and no entry
 *   outlives the listing it was computed from.
 * - Entries also expire after `CUBE_RESULT_CACHE_SECONDS` (10 s by default: Cube's own
 *   refresh-key check window for a cube without a refresh key, shorter than any of the model's).
 * - Relative date ranges ("last 7 days") resolve against the clock, `renewQuery` and any cache
 *   mode but the default ask for Cube's own checks: those requests bypass the fast path.
 * - Only a successful answer from the full path is kept, under the exact request (canonical
 *   query JSON, query type, the caller's claims without their time bounds): everything the query
 *   guard, the limits or Cube refuse is refused again by the full path on every request.
 *   Scopes (and so the token lifetime rules) are checked on every request before a lookup.
 * - The model's compiler is part of the entry: a recompiled model misses.
 * Memory is bounded by an LRU over the bytes held (`CUBE_RESULT_CACHE_MB`).
 */
import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import { rollupListing } from '../engine/rollup-listing';

export const DEFAULT_RESULT_CACHE_SECONDS = 10;
/** Response header of a `/load` the fast path considered: `hit` or `miss` (absent: bypassed). */
export const RESULT_CACHE_HEADER = 'X-Cube-Result-Cache';
export const DEFAULT_RESULT_CACHE_MB = 64;

export type ResultCacheSettings = { ttlMs: number; maxBytes: number };

/** `CUBE_RESULT_CACHE_SECONDS` (0 turns the fast path off) and `CUBE_RESULT_CACHE_MB`. */
export function resultCacheSettingsFrom(env: NodeJS.ProcessEnv = process.env): ResultCacheSettings {
  const seconds = z.coerce
    .number()
    .min(0)
    .max(DEFAULT_RESULT_CACHE_SECONDS)
    .default(DEFAULT_RESULT_CACHE_SECONDS)
    .parse(env.CUBE_RESULT_CACHE_SECONDS || undefined);
  const mb = z.coerce
    .number()
    .positive()
    .default(DEFAULT_RESULT_CACHE_MB)
    .parse(env.CUBE_RESULT_CACHE_MB || undefined);
  return { ttlMs: seconds * 1000, maxBytes: Math.round(mb * 1024 * 1024) };
}

/** Claims that only bound a token's life: the tokens of one caller differ only in them. */
const TIME_CLAIMS = new Set(['iat', 'exp', 'nbf', 'jti']);

/** JSON with object keys sorted, so the same query spelled in another key order is the same key. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    return Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  });
}

type QueryShape = {
  renewQuery?: unknown;
  timeDimensions?: Array<{ dateRange?: unknown; compareDateRange?: unknown }>;
};

const isArrayOfPairs = (value: unknown) =>
  Array.isArray(value) && value.every((range) => Array.isArray(range));

/** A query whose answer depends only on the data (no clock, no forced renewal). */
function answerIsDeterministic(query: QueryShape): boolean {
  if (query === null || typeof query !== 'object') return false;
  if (query.renewQuery) return false;
  const timeDimensions = query.timeDimensions ?? [];
  if (!Array.isArray(timeDimensions)) return false;
  return timeDimensions.every(
    (td) =>
      td !== null &&
      typeof td === 'object' &&
      (td.dateRange === undefined || Array.isArray(td.dateRange)) &&
      (td.compareDateRange === undefined || isArrayOfPairs(td.compareDateRange)),
  );
}

export type LoadRequestView = { query: unknown; queryType?: unknown; cacheMode?: unknown };
type Entry = { bytes: Buffer; generation: number; compiler: object };
/** The listing generation a full-path answer started under. */
export type Ticket = { generation: number };

export class ResultFastPath {
  readonly stats = { hits: 0, misses: 0, stored: 0 };
  readonly #entries: LRUCache<string, Entry>;

  constructor(readonly settings: ResultCacheSettings) {
    this.#entries = new LRUCache<string, Entry>({
      maxSize: settings.maxBytes,
      // One answer may take at most an eighth of the budget.
      maxEntrySize: Math.max(1, Math.floor(settings.maxBytes / 8)),
      sizeCalculation: (entry, key) => entry.bytes.length + key.length * 2,
      ttl: settings.ttlMs,
      ttlAutopurge: false,
    });
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The request's key, or null when it must take Cube's own path. */
  keyOf(request: LoadRequestView, securityContext: unknown): string | null {
    if (request.cacheMode !== undefined && request.cacheMode !== 'stale-if-slow') return null;
    let query: unknown = request.query;
    if (typeof query === 'string') {
      try {
        query = JSON.parse(query);
      } catch {
        return null;
      }
    }
    const queries = Array.isArray(query) ? query : [query];
    if (queries.length === 0 || !queries.every((q) => answerIsDeterministic(q as QueryShape)))
      return null;
    const claims =
      securityContext !== null && typeof securityContext === 'object'
        ? Object.fromEntries(Object.entries(securityContext).filter(([k]) => !TIME_CLAIMS.has(k)))
        : (securityContext ?? null);
    return canonicalJson([query, request.queryType ?? null, claims]);
  }

  lookup(key: string, compiler: object): Buffer | undefined {
    const entry = this.#entries.get(key);
    if (entry && entry.generation === rollupListing().generation && entry.compiler === compiler) {
      this.stats.hits++;
      return entry.bytes;
    }
    this.stats.misses++;
    return undefined;
  }

  begin(): Ticket {
    return { generation: rollupListing().generation };
  }

  /**
   * Keeps a full-path answer when every result in it came from rollups and the listing it was
   * computed from is still the current one; returns whether it was kept.
   */
  store(key: string, ticket: Ticket, compiler: object, bytes: Buffer, roots: unknown[]): boolean {
    const listing = rollupListing();
    if (ticket.generation !== listing.generation || roots.length === 0) return false;
    if (!roots.every(fromRollups)) return false;
    const ttl = Math.min(this.settings.ttlMs, listing.validUntil - Date.now());
    if (ttl <= 0) return false;
    this.#entries.set(key, { bytes, generation: ticket.generation, compiler }, { ttl });
    this.stats.stored++;
    return true;
  }
}

const rootSchema = z.object({ usedPreAggregations: z.record(z.string(), z.unknown()) }).loose();

function fromRollups(root: unknown): boolean {
  const parsed = rootSchema.safeParse(root);
  return parsed.success && Object.keys(parsed.data.usedPreAggregations).length > 0;
}
