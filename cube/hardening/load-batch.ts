/**
 * The response of `POST /load-batch` (wire format: cube/load-batch-wire.ts) assembled from each
 * entry's JSON bytes as produced (kept answers are written as they are, never re-serialised).
 */

/** One entry's answer: what its own `/load` would have answered. */
export type BatchAnswer = { status: number; cache?: 'hit' | 'miss'; body: Buffer };

const OPEN = Buffer.from('{"results":[');
const CLOSE = Buffer.from(']}');
const COMMA = Buffer.from(',');
const END_ENTRY = Buffer.from('}');

export function batchResponseBytes(answers: readonly BatchAnswer[]): Buffer {
  const parts: Buffer[] = [OPEN];
  answers.forEach((answer, i) => {
    if (i > 0) parts.push(COMMA);
    const cache = answer.cache ? `,"cache":"${answer.cache}"` : '';
    parts.push(Buffer.from(`{"status":${answer.status}${cache},"body":`), answer.body, END_ENTRY);
  });
  parts.push(CLOSE);
  return Buffer.concat(parts);
}
