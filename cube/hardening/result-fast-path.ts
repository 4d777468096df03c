/**
 * The result fast path: a repeated `/load` answered from memory, as the JSON bytes Cube's own
 * path produced for the same request, without re-normalising, re-planning or re-serialising it.
 *
 * Why: a CPU profile of warm requests (bench/results/history.md, "Load and the per-request floor")
 * showed Cube spending ~8 ms of CPU on every result-cache hit (query normalisation with moment, the
 * planner, the orchestrator's cache lookups, the result transform, log redaction), so one event
 * loop served ~120 warm queries/s and 50 admins saturated it.
 *
 * When an entry is the answer Cube's own path would give right now:
 * - Answers derived entirely from rollups are kept. Such an answer changes only when the
 *   rollup tables Cube reads change, and Cube learns of those only by refetching its table
 *   listing (after each build, or when the cached listing expires): a refetched listing that
 *   differs moves the listing generation (cube/compat/rollup-listing.ts), which retires every
 *   entry, and while the listing has expired without being refetched no entry is served.
 * - A single answer Cube served from the source tables out of its query cache is kept too, and
 *   served only while Cube's query cache would serve that same entry (source-answer.ts).
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
 *
 * A repeated `GET /load` is looked up by its raw query text and the caller's claims first
 * (`keyOfRaw`): the canonical key is computed once per distinct spelling, not on every request.
 */
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import { currentRollupGeneration, rollupListing } from '../compat/rollup-listing';
import { cubeWouldServe, type SourceAnswerCheck } from '../compat/source-answer';
import { LIMITS } from '../limits';
import { jsonDepth } from './query-guard';

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

/** The claims without those that only bound the token's life. */
function lastingClaims(securityContext: unknown): unknown {
  return securityContext !== null && typeof securityContext === 'object'
    ? Object.fromEntries(Object.entries(securityContext).filter(([k]) => !TIME_CLAIMS.has(k)))
    : (securityContext ?? null);
}

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
/** `etag`: a strong validator of `bytes`, made once instead of Express hashing every response. */
type Entry = {
  bytes: Buffer;
  etag: string;
  generation: number;
  compiler: object;
  /** Answers from the source tables (one per result): served only while Cube would serve them. */
  sources?: SourceAnswerCheck[];
};
/** The listing generation a full-path answer started under. */
export type Ticket = { generation: number };

type InFlight = { bytes: Promise<Buffer | undefined>; generation: number; compiler: object };

export class ResultFastPath {
  readonly stats = { hits: 0, misses: 0, stored: 0, joined: 0 };
  readonly #entries: LRUCache<string, Entry>;
  /**
   * Full-path answers being computed, by key. Under load hundreds of requests for the same few
   * queries arrive together (every admin's tab sends the same six): without this each one runs
   * the full path until the first answer lands, and again whenever entries expire.
   */
  readonly #inFlight = new Map<string, InFlight>();
  /** Raw `GET /load` spelling (with the caller's claims) → its key ('' = not kept). */
  readonly #aliases: LRUCache<string, string>;
  /** Canonical claims text per verified token's claims object (token-cache.ts keeps it alive). */
  readonly #claimsText = new WeakMap<object, string>();

  constructor(readonly settings: ResultCacheSettings) {
    this.#aliases = new LRUCache<string, string>({
      maxSize: Math.max(1, Math.floor(settings.maxBytes / 4)),
      sizeCalculation: (value, key) => (key.length + value.length) * 2 || 1,
    });
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
    // canonicalJson recurses: a query nested past the bound takes Cube's path, whose guard refuses it.
    if (jsonDepth(query, LIMITS.maxRequestJsonDepth) > LIMITS.maxRequestJsonDepth) return null;
    const queries = Array.isArray(query) ? query : [query];
    if (queries.length === 0 || !queries.every((q) => answerIsDeterministic(q as QueryShape)))
      return null;
    return canonicalJson([query, request.queryType ?? null, lastingClaims(securityContext)]);
  }

  /**
   * `keyOf` for a `GET /load` of the raw query text `query` by a caller with these (verified,
   * unchanging) claims, remembered per spelling so a repeat costs one map lookup.
   */
  keyOfRaw(
    query: string,
    queryType: unknown,
    cacheMode: unknown,
    claims: Readonly<Record<string, unknown>>,
  ): string | null {
    if (
      (queryType !== undefined && typeof queryType !== 'string') ||
      (cacheMode !== undefined && typeof cacheMode !== 'string')
    )
      return null;
    let claimsText = this.#claimsText.get(claims);
    if (claimsText === undefined) {
      claimsText = canonicalJson(lastingClaims(claims));
      this.#claimsText.set(claims, claimsText);
    }
    const alias = `${claimsText}\u0000${queryType ?? ''}\u0000${cacheMode ?? ''}\u0000${query}`;
    const known = this.#aliases.get(alias);
    if (known !== undefined) return known === '' ? null : known;
    const key = this.keyOf({ query, queryType, cacheMode }, claims);
    this.#aliases.set(alias, key ?? '');
    return key;
  }

  /**
   * The kept answer, if it is still Cube's (renewing an expired rollup listing first), and the
   * current listing generation (null: none, so nothing may be served from memory).
   */
  async lookup(
    key: string,
    compiler: object,
    requestId?: string,
  ): Promise<{ bytes: Buffer | undefined; etag?: string; generation: number | null }> {
    const generation =
      this.#entries.has(key) || this.#inFlight.has(key) ? await currentRollupGeneration() : null;
    const entry = this.#entries.get(key);
    if (
      entry &&
      generation !== null &&
      entry.generation === generation &&
      entry.compiler === compiler &&
      (!entry.sources || (await allServed(entry.sources, requestId)))
    ) {
      this.stats.hits++;
      return { bytes: entry.bytes, etag: entry.etag, generation };
    }
    this.stats.misses++;
    return { bytes: undefined, generation };
  }

  /**
   * The answer of a full-path request for the same key already under way (started under the
   * current listing generation, with the same model), or undefined. Resolves to undefined when
   * that request ends without a keepable answer; the caller then takes the full path itself.
   */
  joinInFlight(
    key: string,
    compiler: object,
    generation: number | null,
  ): Promise<Buffer | undefined> | undefined {
    const flight = this.#inFlight.get(key);
    if (!flight || generation === null || flight.generation !== generation) return undefined;
    if (flight.compiler !== compiler) return undefined;
    this.stats.joined++;
    return flight.bytes;
  }

  /** Starts a full-path answer for `key`; `settle` must be called once it has ended. */
  begin(key: string, compiler: object): Ticket & { settle(bytes: Buffer | undefined): void } {
    const generation = rollupListing().generation;
    let resolve: (bytes: Buffer | undefined) => void = () => undefined;
    const flight: InFlight = {
      bytes: new Promise((r) => {
        resolve = r;
      }),
      generation,
      compiler,
    };
    this.#inFlight.set(key, flight);
    return {
      generation,
      settle: (bytes) => {
        if (this.#inFlight.get(key) === flight) this.#inFlight.delete(key);
        resolve(bytes);
      },
    };
  }

  /**
   * Keeps a full-path answer when every result in it came from rollups, or when every result is
   * one Cube served from its query cache entry for a source query (`sources`, one per result), and
   * the listing it was computed from is still the current one; returns whether it was kept.
   */
  store(
    key: string,
    ticket: Ticket,
    compiler: object,
    bytes: Buffer,
    roots: unknown[],
    sources?: SourceAnswerCheck[],
  ): boolean {
    // The listing may have expired meanwhile: lookups renew it before serving this.
    if (ticket.generation !== rollupListing().generation || roots.length === 0) return false;
    const fromSource =
      sources !== undefined &&
      sources.length === roots.length &&
      roots.every((root) => !fromRollups(root));
    if (!fromSource && !roots.every(fromRollups)) return false;
    const etag = `"${createHash('sha1').update(bytes).digest('base64url')}"`;
    this.#entries.set(key, {
      bytes,
      etag,
      generation: ticket.generation,
      compiler,
      ...(fromSource ? { sources } : {}),
    });
    this.stats.stored++;
    return true;
  }
}

async function allServed(sources: SourceAnswerCheck[], requestId?: string): Promise<boolean> {
  const served = await Promise.all(sources.map((check) => cubeWouldServe(check, requestId)));
  return served.every(Boolean);
}

const rootSchema = z.object({ usedPreAggregations: z.record(z.string(), z.unknown()) }).loose();

function fromRollups(root: unknown): boolean {
  const parsed = rootSchema.safeParse(root);
  return parsed.success && Object.keys(parsed.data.usedPreAggregations).length > 0;
}
