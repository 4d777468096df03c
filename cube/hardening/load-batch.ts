/**
 * `POST /load-batch` (wire format: cube/load-batch-wire.ts): each query runs through the gateway's
 * `load` exactly as its own `/load` would (guards, limits, scope, fast path, Cube's path), all at
 * once; each answer is its own status and body, so one refused query does not fail the others.
 * The response is assembled from each entry's JSON bytes as produced (kept answers are written as
 * they are, never re-serialised).
 */
import { z } from 'zod';
import { type LoadBatchEntry, loadBatchRequestSchema } from '../load-batch-wire';
import {
  attachHttpResponse,
  isResultWrapper,
  type LoadHttpResponse,
  type LoadRequest,
  type ResultFn,
} from './answer-cache';
import type { HttpRequest, HttpResponse, RequestContext } from './express';
import { RESULT_CACHE_HEADER } from './result-fast-path';

/** One entry's answer: what its own `/load` would have answered. */
export type BatchAnswer = { status: number; cache?: 'hit' | 'miss'; body: Buffer };

const OPEN = Buffer.from('{"results":[');
const CLOSE = Buffer.from(']}');
const COMMA = Buffer.from(',');
const END_ENTRY = Buffer.from('}');

function batchResponseBytes(answers: readonly BatchAnswer[]): Buffer {
  const parts: Buffer[] = [OPEN];
  answers.forEach((answer, i) => {
    if (i > 0) parts.push(COMMA);
    const cache = answer.cache ? `,"cache":"${answer.cache}"` : '';
    parts.push(Buffer.from(`{"status":${answer.status}${cache},"body":`), answer.body, END_ENTRY);
  });
  parts.push(CLOSE);
  return Buffer.concat(parts);
}

const NO_ANSWER = Buffer.from('{"error":"Internal Server Error"}');

type Load = (request: LoadRequest) => Promise<void>;

/** Answers `POST /load-batch`: every entry through `load`, the answers in one response. */
export async function loadBatch(load: Load, req: HttpRequest, res: HttpResponse): Promise<void> {
  const parsed = loadBatchRequestSchema.safeParse(req.body);
  if (!parsed.success) {
    res.status(400).json({ error: `Invalid /load-batch body: ${z.prettifyError(parsed.error)}` });
    return;
  }
  const context = req.context;
  if (!context) throw new Error('/load-batch: no request context');
  const answers = await Promise.all(
    parsed.data.queries.map((entry, i) => loadBatchEntry(load, entry, context, i)),
  );
  const bytes = batchResponseBytes(answers);
  res.statusCode = 200;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', bytes.length);
  res.end(bytes);
}

async function loadBatchEntry(
  load: Load,
  entry: LoadBatchEntry,
  context: RequestContext,
  index: number,
): Promise<BatchAnswer> {
  // Replaced by the answer `load` gives (it answers every request, errors included).
  const answer: BatchAnswer = { status: 500, body: NO_ANSWER };
  const entryContext = { ...context, requestId: `${context.requestId}-batch-${index}` };
  // The entry's own view of "its HTTP response": where the fast path reports hit or miss.
  const http: LoadHttpResponse = {
    headersSent: false,
    setHeader: (name, value) => {
      if (name === RESULT_CACHE_HEADER && (value === 'hit' || value === 'miss'))
        answer.cache = value;
    },
  };
  attachHttpResponse(entryContext, http);
  const res = async (message: unknown, extra?: { status?: number }) => {
    answer.status = extra?.status ?? 200;
    answer.body = isResultWrapper(message)
      ? Buffer.from(await message.getFinalResult())
      : Buffer.from(JSON.stringify(message));
  };
  try {
    await load({
      query: entry.query,
      queryType: entry.queryType,
      cacheMode: entry.cache,
      context: entryContext,
      res: res as ResultFn,
    } as LoadRequest);
  } catch {
    return { status: 500, body: NO_ANSWER };
  }
  return answer;
}
