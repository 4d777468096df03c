/**
 * The load test: N simulated admins on the Analytics tab, against one Cube, for a bounded time,
 * on loopback. Each admin is a closed loop, like a person clicking chips as fast as the tab
 * answers: pick a tab state (the timeframe chips in turn), send that state's queries all at once
 * (as the browser does), wait for every answer, repeat. No think time, so the figures are what
 * Cube sustains, not what a crowd of real admins would ask of it.
 *
 * Reported per run: throughput (queries answered per second), latency percentiles per query
 * (wall time including any "Continue wait" re-polls), errors, and Cube's resident memory sampled
 * from /proc while the load runs (peak and at the end).
 */
import fs from 'node:fs/promises';
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { type CacheMode, CubeClient } from '../lib/cube-client';
import { type BenchQuery, type TabState, tabQueries } from './cases';
import { processMemory } from './cube';
import { quantile } from './stats';

export type LoadScenario = {
  clients: number;
  cache: CacheMode;
  /** Pause between an admin's tab states (ms); 0 = as fast as answers come (saturation). */
  thinkMs: number;
  /**
   * How an admin sends a tab state: its queries as concurrent `/load`s (default), or as one
   * `POST /load-batch`, as the web app's Cube client does.
   */
  transport?: 'loads' | 'batch';
};

export type LoadOptions = {
  apiUrl: string;
  token: () => string;
  /** Tab states the admins cycle through (each admin starts at a different one). */
  states: readonly TabState[];
  durationMs: number;
  /** Admins start spread over this long (ms), as people do, not in one connection burst. */
  rampMs: number;
  /** A query still unanswered after this long counts as an error (ms). */
  queryTimeoutMs: number;
  /** Cube's process id, for its memory. */
  cubePid: number | undefined;
  tabQueries?: (state: TabState) => BenchQuery[];
};

export type LoadReport = LoadScenario & {
  seconds: number;
  /** Tab states fully answered (all of its queries). */
  tabs: number;
  queries: number;
  errors: number;
  /** The first few distinct error messages. */
  errorSamples: string[];
  /** Answered queries per second. */
  throughput: number;
  /** Per-query wall time (ms), answered queries only. */
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** Wall time of a whole tab state (all its queries sent at once, until the last answer; ms). */
  tabP50: number;
  tabP95: number;
  /** "Continue wait" answers re-polled. */
  polls: number;
  /** Cube's resident memory while the load ran (MB): highest sample, and at the end. */
  rssPeakMb: number | null;
  rssEndMb: number | null;
  /** Cube's CPU time (user + system) per answered query (ms): its cost, whatever else runs. */
  cubeCpuMsPerQuery: number | null;
};

/** CPU time (user + system, ms) a process has used so far, from /proc/<pid>/stat. */
export async function processCpuMs(pid: number | undefined): Promise<number | null> {
  if (pid === undefined) return null;
  const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  if (stat === null) return null;
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return Number.isFinite(ticks) ? (ticks * 1000) / CLOCK_TICKS_PER_SECOND : null;
}

/** Linux's USER_HZ, 100 on every architecture Node supports. */
const CLOCK_TICKS_PER_SECOND = 100;

const MEMORY_SAMPLE_MS = 200;

export async function runLoad(scenario: LoadScenario, options: LoadOptions): Promise<LoadReport> {
  const build = options.tabQueries ?? ((state: TabState) => tabQueries(state));
  const plans = options.states.map((state) => build(state).map((q) => q.query));
  const latencies: number[] = [];
  const tabTimes: number[] = [];
  const errors = new Map<string, number>();
  let tabs = 0;
  let polls = 0;

  let rssPeakMb: number | null = null;
  const sampleMemory = async () => {
    const { rssMb } = await processMemory(options.cubePid);
    if (rssMb !== null) rssPeakMb = Math.max(rssPeakMb ?? 0, rssMb);
  };
  const sampler = setInterval(() => void sampleMemory(), MEMORY_SAMPLE_MS);

  const cpuBefore = await processCpuMs(options.cubePid);
  const started = performance.now();
  const deadline = started + options.durationMs;
  const agents: http.Agent[] = [];
  const admin = async (index: number) => {
    // Each admin is a browser: its own keep-alive connections, at most 6 to one origin.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 6 });
    agents.push(agent);
    const cube = new CubeClient({
      apiUrl: options.apiUrl,
      token: options.token,
      timeoutMs: options.queryTimeoutMs,
      agent,
    });
    await sleep((index * options.rampMs) / scenario.clients);
    for (let turn = index; performance.now() < deadline; turn++) {
      const plan = plans[turn % plans.length] ?? [];
      const tabStarted = performance.now();
      const answers =
        scenario.transport === 'batch'
          ? await cube.loadBatch(plan, { cache: scenario.cache }).then(
              (all) => all.map((value) => ({ status: 'fulfilled' as const, value })),
              (reason: unknown) => plan.map(() => ({ status: 'rejected' as const, reason })),
            )
          : await Promise.allSettled(
              plan.map((query) => cube.load(query, { cache: scenario.cache })),
            );
      let complete = true;
      for (const answer of answers) {
        if (answer.status === 'fulfilled') {
          latencies.push(answer.value.ms);
          polls += answer.value.polls;
        } else {
          complete = false;
          const message = describeError(answer.reason);
          errors.set(message, (errors.get(message) ?? 0) + 1);
        }
      }
      if (complete) {
        tabs++;
        tabTimes.push(performance.now() - tabStarted);
      }
      if (scenario.thinkMs > 0) await sleep(scenario.thinkMs);
    }
  };
  try {
    await Promise.all(Array.from({ length: scenario.clients }, (_, i) => admin(i)));
  } finally {
    clearInterval(sampler);
    for (const agent of agents) agent.destroy();
  }
  const seconds = (performance.now() - started) / 1000;
  await sampleMemory();
  const { rssMb: rssEndMb } = await processMemory(options.cubePid);
  const cpuAfter = await processCpuMs(options.cubePid);
  const sorted = [...latencies].sort((x, y) => x - y);
  const sortedTabs = [...tabTimes].sort((x, y) => x - y);
  return {
    ...scenario,
    seconds,
    tabs,
    queries: latencies.length,
    errors: [...errors.values()].reduce((sum, n) => sum + n, 0),
    errorSamples: [...errors.entries()].slice(0, 3).map(([m, n]) => `${n}× ${m.slice(0, 200)}`),
    throughput: latencies.length / seconds,
    p50: quantile(sorted, 0.5),
    p95: quantile(sorted, 0.95),
    p99: quantile(sorted, 0.99),
    max: sorted.at(-1) ?? Number.NaN,
    tabP50: quantile(sortedTabs, 0.5),
    tabP95: quantile(sortedTabs, 0.95),
    polls,
    rssPeakMb,
    rssEndMb,
    cubeCpuMsPerQuery:
      cpuBefore !== null && cpuAfter !== null && latencies.length > 0
        ? (cpuAfter - cpuBefore) / latencies.length
        : null,
  };
}

/** An error's message, with its cause's (fetch's "fetch failed" says nothing on its own). */
function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause;
  if (cause === undefined) return error.message;
  return `${error.message}: ${cause instanceof Error ? ((cause as NodeJS.ErrnoException).code ?? cause.message) : String(cause)}`;
}

/** One line for the console. */
export function describeLoad(r: LoadReport): string {
  const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(v < 10 ? 2 : 0) : '–');
  return (
    `${r.clients} clients ${r.cache === 'warm' ? 'warm' : 'uncached'}${r.transport === 'batch' ? ' (one /load-batch per tab state)' : ''}, think ${r.thinkMs} ms: ${r.throughput.toFixed(0)} q/s, ` +
    `p50 ${ms(r.p50)} / p95 ${ms(r.p95)} / p99 ${ms(r.p99)} / max ${ms(r.max)} ms, ` +
    `whole tab p50 ${ms(r.tabP50)} / p95 ${ms(r.tabP95)} ms, ` +
    `${r.errors} errors, ${r.polls} re-polls, Cube RSS peak ${r.rssPeakMb?.toFixed(0) ?? '–'} MB, ` +
    `Cube CPU ${r.cubeCpuMsPerQuery?.toFixed(2) ?? '–'} ms/query`
  );
}
