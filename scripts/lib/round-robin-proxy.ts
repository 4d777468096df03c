/**
 * The split topology's front door on the Cube port: requests go round-robin to the API instances
 * in rotation. An instance leaves the rotation at once when a connection to it is refused or reset
 * (or its supervisor reports it gone), and whenever its `/readyz` health check fails; it comes
 * back when `/readyz` answers again. A request whose instance failed before answering is replayed
 * on the next one when replaying is safe: reads (GET, HEAD) and the read-only POSTs below, or any
 * request the instance refused before reading it. A stand-in for the load balancer a deployment
 * puts in front of its Cube API replicas.
 *
 * Hand-written rather than http-proxy: that package (last release 2020) has no health checks or
 * rotation, and replaying a request needs its body buffered here anyway.
 */
import http from 'node:http';

export type ProxyStats = { forwarded: number; retried: number; failed: number };

export type UpstreamState = { port: number; inRotation: boolean; reason: string | null };

export type RoundRobinProxy = {
  url: string;
  stats: ProxyStats;
  /** Each instance and whether it takes requests now. */
  rotation(): UpstreamState[];
  /**
   * Takes an instance out of rotation now (its supervisor saw it exit) and keeps it out until
   * `release`: a restarted instance is warmed up before it takes traffic.
   */
  hold(port: number, reason: string): void;
  /** Lets the health check put a held instance back (checked at once). */
  release(port: number): void;
  stop(): Promise<void>;
};

const MAX_BODY_BYTES = 1024 * 1024;
/** How often each instance's `/readyz` is asked, and how long an answer may take. */
export const HEALTH_INTERVAL_MS = 1000;
const HEALTH_TIMEOUT_MS = 2000;
/** POSTs that only read (queries sent in a body): safe to send to a second instance. */
const READ_ONLY_POSTS = new Set(['/cubejs-api/v1/load', '/cubejs-api/v1/load-batch']);
/** Failures after which the instance may have seen the request (unlike ECONNREFUSED; "socket hang up" is ECONNRESET). */
const REPLAY_IF_IDEMPOTENT = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

export function isIdempotent(method: string | undefined, url: string | undefined): boolean {
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return true;
  const path = (url ?? '').split('?')[0] ?? '';
  return method === 'POST' && READ_ONLY_POSTS.has(path);
}

type Upstream = UpstreamState & { checking: boolean; held: boolean };

export async function startRoundRobinProxy(input: {
  port: number;
  upstreams: number[];
  host?: string;
  /** Rotation changes (one line each); console.log unless given. */
  log?: (line: string) => void;
}): Promise<RoundRobinProxy> {
  const host = input.host ?? '127.0.0.1';
  const log = input.log ?? ((line: string) => console.log(line));
  const upstreams: Upstream[] = input.upstreams.map((port) => ({
    port,
    inRotation: true,
    reason: null,
    checking: false,
    held: false,
  }));
  const agent = new http.Agent({ keepAlive: true });
  const stats: ProxyStats = { forwarded: 0, retried: 0, failed: 0 };
  let next = 0;

  const takeOut = (upstream: Upstream, reason: string) => {
    upstream.reason = reason;
    if (!upstream.inRotation) return;
    upstream.inRotation = false;
    log(`Cube proxy: :${upstream.port} out of rotation (${reason})`);
  };
  const putBack = (upstream: Upstream) => {
    if (upstream.held) return;
    upstream.reason = null;
    if (upstream.inRotation) return;
    upstream.inRotation = true;
    log(`Cube proxy: :${upstream.port} back in rotation`);
  };

  const check = async (upstream: Upstream) => {
    if (upstream.checking) return;
    upstream.checking = true;
    try {
      const response = await fetch(`http://${host}:${upstream.port}/readyz`, {
        signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS),
      });
      await response.body?.cancel();
      if (response.ok) putBack(upstream);
      else takeOut(upstream, `/readyz answered ${response.status}`);
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      takeOut(upstream, `/readyz: ${cause ?? (error as Error).message}`);
    } finally {
      upstream.checking = false;
    }
  };
  const health = setInterval(() => {
    for (const upstream of upstreams) void check(upstream);
  }, HEALTH_INTERVAL_MS);
  health.unref();

  /**
   * The instances to try, in order: those in rotation, starting with the next in turn. With none
   * in rotation (Postgres down makes every `/readyz` fail) all are tried, so the caller gets an
   * instance's own answer naming the cause rather than the proxy's.
   */
  const order = () => {
    const start = next++ % upstreams.length;
    const rotated = [...upstreams.slice(start), ...upstreams.slice(0, start)];
    const live = rotated.filter((u) => u.inRotation);
    return live.length > 0 ? live : rotated;
  };

  const forward = (
    request: http.IncomingMessage,
    body: Buffer,
    upstream: Upstream,
  ): Promise<http.IncomingMessage> =>
    new Promise((resolve, reject) => {
      const { 'transfer-encoding': _chunked, ...headers } = request.headers;
      const outgoing = http.request(
        {
          host,
          port: upstream.port,
          method: request.method,
          path: request.url,
          headers: { ...headers, 'content-length': String(body.length) },
          agent,
        },
        resolve,
      );
      outgoing.once('error', reject);
      outgoing.end(body);
    });

  const server = http.createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of request as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        response.writeHead(413, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: 'Request body too large' }));
        return;
      }
      chunks.push(chunk);
    }
    const body = Buffer.concat(chunks);
    const idempotent = isIdempotent(request.method, request.url);
    const tried: string[] = [];
    for (const upstream of order()) {
      try {
        const answer = await forward(request, body, upstream);
        stats.forwarded++;
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
        // An instance dying mid-answer cannot be replayed: the client already has part of it.
        answer.once('error', () => response.destroy());
        return;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? '';
        const message = (error as Error).message;
        takeOut(upstream, message);
        tried.push(`:${upstream.port} ${message}`);
        // Refused: the instance never saw the request. Reset: it may have, so only reads go again.
        if (code !== 'ECONNREFUSED' && !(idempotent && REPLAY_IF_IDEMPOTENT.has(code))) break;
        stats.retried++;
      }
    }
    stats.failed++;
    response.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' });
    response.end(JSON.stringify({ error: `No Cube API instance answered (${tried.join('; ')})` }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(input.port, resolve);
  });
  return {
    url: `http://localhost:${input.port}`,
    stats,
    rotation: () => upstreams.map(({ port, inRotation, reason }) => ({ port, inRotation, reason })),
    hold(port, reason) {
      const upstream = upstreams.find((u) => u.port === port);
      if (!upstream) return;
      upstream.held = true;
      takeOut(upstream, reason);
    },
    release(port) {
      const upstream = upstreams.find((u) => u.port === port);
      if (!upstream) return;
      upstream.held = false;
      // Checked now rather than at the next interval: it was just warmed up, so it is ready.
      void check(upstream);
    },
    async stop() {
      clearInterval(health);
      agent.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
