/**
 * The MCP server's way to Cube: the same REST API the tab uses, with a short-lived admin Cube JWT
 * minted for the token's owner (the web app's own minting), never the MCP token itself. Queries
 * go through the project's one Node client for Cube (lib/cube-client.ts: fetch's kept-alive
 * connections, the same `/load` and "Continue wait" handling and the same response parsing as the
 * tab's), not `@cubejs-client/core`, which costs ~4 ms more a query in Node (bench/mcp-overhead.ts).
 */
import { z } from 'zod';
import { CubeAnswerError, CubeClient } from '../../../lib/cube-client';
import { mintCubeToken } from '../auth/cubeToken';
import { type CubeLoader, CubeRequestError, toCubeRequestError } from '../cube/client';
import { cubeApiSecret, cubeApiUrl, type Env } from '../env';

const metaMemberSchema = z
  .object({
    name: z.string(),
    type: z.string().optional(),
    title: z.string().optional(),
    shortTitle: z.string().optional(),
    description: z.string().optional(),
    public: z.boolean().optional(),
    isVisible: z.boolean().optional(),
    granularities: z.array(z.object({ name: z.string() }).loose()).optional(),
  })
  .loose();
export type MetaMember = z.infer<typeof metaMemberSchema>;

const metaCubeSchema = z
  .object({
    name: z.string(),
    type: z.string().optional(),
    title: z.string().optional(),
    description: z.string().optional(),
    public: z.boolean().optional(),
    isVisible: z.boolean().optional(),
    measures: z.array(metaMemberSchema),
    dimensions: z.array(metaMemberSchema),
    segments: z.array(metaMemberSchema),
  })
  .loose();
export type MetaView = z.infer<typeof metaCubeSchema>;

const metaSchema = z.object({ cubes: z.array(metaCubeSchema) }).loose();

export interface McpCube {
  /** The public views of Cube's `/meta` (cubes are the views' building blocks, not for clients). */
  views(): Promise<MetaView[]>;
  readonly loader: CubeLoader;
}

/** Cube's REST base URL from this server (inside containers it differs from the browser's). */
export function serverCubeApiUrl(env: Env = process.env): string {
  return (env.CUBE_SERVER_API_URL || cubeApiUrl(env)).replace(/\/+$/, '');
}

const visible = (m: { public?: boolean; isVisible?: boolean }) =>
  m.public !== false && m.isVisible !== false;

/**
 * `/meta` is the same for every admin and changes only with the model: kept a few seconds so a
 * conversation's describe, query, query, … pays for it once, not on every call.
 */
const META_TTL_MS = 30_000;
const metaCache = new Map<string, { atMs: number; views: Promise<MetaView[]> }>();

/**
 * One way to Cube per token owner, kept across requests: its loader holds the owner's Cube JWT
 * until shortly before it expires (10 minutes) and its client's kept-alive connections, where a
 * fresh one per request signed a JWT and set up a client every call. Admins are few; the map is
 * bounded anyway.
 */
const MAX_OWNERS = 64;
const owners = new Map<string, McpCube>();

export function mcpCube(sub: string, env: Env = process.env): McpCube {
  const key = JSON.stringify([serverCubeApiUrl(env), cubeApiSecret(env), sub]);
  const known = owners.get(key);
  if (known) return known;
  if (owners.size >= MAX_OWNERS) owners.clear();
  const made = newMcpCube(sub, env);
  owners.set(key, made);
  return made;
}

function newMcpCube(sub: string, env: Env): McpCube {
  const apiUrl = serverCubeApiUrl(env);
  const mint = () =>
    mintCubeToken({ sub: `mcp:${sub}`, secret: cubeApiSecret(env), apiUrl, nowMs: Date.now() });
  const fetchViews = async (): Promise<MetaView[]> => {
    const res = await fetch(`${apiUrl}/meta`, {
      headers: { Authorization: mint().token },
      cache: 'no-store',
    });
    const body: unknown = await res.json().catch(() => null);
    if (!res.ok) {
      const error = z.object({ error: z.string() }).safeParse(body);
      throw new CubeRequestError(
        error.success ? error.data.error : `Cube answered HTTP ${res.status}`,
        res.status,
      );
    }
    return metaSchema
      .parse(body)
      .cubes.filter((c) => c.type === 'view' && visible(c))
      .map((v) => ({
        ...v,
        measures: v.measures.filter(visible),
        dimensions: v.dimensions.filter(visible),
        segments: v.segments.filter(visible),
      }));
  };
  return {
    loader: nodeLoader(apiUrl, mint),
    views() {
      const cached = metaCache.get(apiUrl);
      if (cached && Date.now() - cached.atMs < META_TTL_MS) return cached.views;
      const views = fetchViews();
      const entry = { atMs: Date.now(), views };
      metaCache.set(apiUrl, entry);
      // A failed fetch is not kept: the next call asks Cube again.
      views.catch(() => {
        if (metaCache.get(apiUrl) === entry) metaCache.delete(apiUrl);
      });
      return views;
    },
  };
}

/** Mint a new JWT this long before the current one expires. */
const REFRESH_MARGIN_MS = 60_000;

function nodeLoader(apiUrl: string, mint: () => { token: string; expiresAt: string }): CubeLoader {
  let current: { token: string; expiresAtMs: number } | null = null;
  const token = () => {
    if (!current || current.expiresAtMs - REFRESH_MARGIN_MS <= Date.now()) {
      const minted = mint();
      current = { token: minted.token, expiresAtMs: Date.parse(minted.expiresAt) };
    }
    return current.token;
  };
  const client = new CubeClient({ apiUrl, token });
  // Cube's own message, as the tools have always quoted it ("Cube refused the query: …").
  const guarded = async <R>(run: () => Promise<R>): Promise<R> => {
    try {
      return await run();
    } catch (error) {
      throw error instanceof CubeAnswerError
        ? new CubeRequestError(error.cubeError, error.status)
        : toCubeRequestError(error);
    }
  };
  return {
    load: (query) => guarded(async () => (await client.load(query)).response),
    sql: (query) =>
      guarded(async () => {
        const { text, values } = await client.sql(query);
        return { sql: text, params: values };
      }),
  };
}
