/**
 * Cube's log sink, redacting only what it prints. Cube (production mode) wraps the sink in
 * `withLogRedaction`, which walks and copies every event's parameters — several events per
 * request, ~5 % of an uncached request's CPU in a profile of the tab's queries
 * (bench/results/history.md) — although this project's sink drops all but errors (and everything at
 * `trace`). Turning Cube's wrapper off (`CUBEJS_LOG_REDACTION=false`, set by cube/server.ts) and
 * redacting here with Cube's own `redactLogParams`, only for the events printed, writes the same
 * redacted lines.
 */
import { createRequire } from 'node:module';
import type * as SharedModule from '@cubejs-backend/shared';

const require = createRequire(import.meta.url);
const { redactLogParams } = require('@cubejs-backend/shared') as typeof SharedModule;

type Params = Record<string, unknown>;

export function redactingLogSink(
  printed: (message: string) => boolean,
  print: (line: string) => void = console.log,
): (message: string, params: Params) => void {
  return (message, params) => {
    if (!printed(message)) return;
    print(`[cube] ${message} ${JSON.stringify(params ? redactLogParams(params) : params)}`);
  };
}

/** Cube's own redaction wrapper off: the sink above redacts what it prints. */
export function redactInSinkOnly(env: NodeJS.ProcessEnv = process.env): void {
  env.CUBEJS_LOG_REDACTION = 'false';
}
