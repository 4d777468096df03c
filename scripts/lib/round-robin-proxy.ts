/**
 * The split topology's front door on the Cube port: requests go round-robin to the API instances;
 * one that refuses or drops the connection before answering is skipped for a moment and the
 * request is replayed on the next, so losing an instance loses no request. Replaying is safe here
 * because everything behind it is read-only (queries, metadata). A stand-in for the load
 * balancer a deployment puts in front of its Cube API replicas.
 */
import http from 'node:http';

export type ProxyStats = { forwarded: number; retried: number; failed: number };

export type RoundRobinProxy = {
  url: string;
  stats: ProxyStats;
  stop(): Promise<void>;
};

const MAX_BODY_BYTES = 1024 * 1024;
const DOWN_FOR_MS = 2000;

export async function startRoundRobinProxy(input: {
  port: number;
  upstreams: number[];
  host?: string;
}): Promise<RoundRobinProxy> {
  const upstreams = input.upstreams.map((port) => ({ port, downUntil: 0 }));
  const agent = new http.Agent({ keepAlive: true });
  const stats: ProxyStats = { forwarded: 0, retried: 0, failed: 0 };
  let next = 0;

  /** The upstreams to try, in order: the next in turn first, the ones marked down last. */
  const order = () => {
    const start = next++ % upstreams.length;
    const rotated = [...upstreams.slice(start), ...upstreams.slice(0, start)];
    const now = Date.now();
    return [
      ...rotated.filter((u) => u.downUntil <= now),
      ...rotated.filter((u) => u.downUntil > now),
    ];
  };

  const forward = (
    request: http.IncomingMessage,
    body: Buffer,
    upstream: { port: number },
  ): Promise<http.IncomingMessage> =>
    new Promise((resolve, reject) => {
      const outgoing = http.request(
        {
          host: input.host ?? '127.0.0.1',
          port: upstream.port,
          method: request.method,
          path: request.url,
          headers: { ...request.headers, 'content-length': String(body.length) },
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
        upstream.downUntil = Date.now() + DOWN_FOR_MS;
        tried.push(`:${upstream.port} ${(error as Error).message}`);
        stats.retried++;
      }
    }
    stats.failed++;
    response.writeHead(502, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ error: `No Cube API instance answered (${tried.join('; ')})` }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(input.port, resolve);
  });
  return {
    url: `http://localhost:${input.port}`,
    stats,
    async stop() {
      agent.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
