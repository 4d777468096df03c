/**
 * Bearer tokens for the MCP endpoint: personal access tokens an admin creates on the "Connect an
 * AI assistant" page. A token is `mcp_<id>_<secret>`; the store keeps only the secret's SHA-256,
 * the owner, the expiry and whether it was revoked, in a JSON file (MCP_TOKEN_FILE, default
 * `.data/mcp-tokens.json`). A file rather than a signed token: revoking must outlive a restart,
 * and the web app has no database of its own. The token is never a Cube token: each tool call
 * mints a fresh short-lived Cube JWT for the owner, so it cannot grant more than an admin's scope.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { statSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { accounts } from '../auth/accounts';
import type { Env } from '../env';

const DAY_SECONDS = 24 * 60 * 60;
/** The lifetimes the page offers; the longest bounds what a leaked token can do. */
export const MCP_TOKEN_LIFETIMES_DAYS = [1, 7, 30] as const;
export const mcpTokenDaysSchema = z.coerce
  .number()
  .pipe(z.union(MCP_TOKEN_LIFETIMES_DAYS.map((d) => z.literal(d))));
export type McpTokenDays = z.infer<typeof mcpTokenDaysSchema>;

const recordSchema = z.object({
  id: z.string().regex(/^[a-f0-9]{16}$/),
  sub: z.string().min(1),
  label: z.string().max(80),
  secretSha256: z.string().regex(/^[a-f0-9]{64}$/),
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
  revokedAt: z.iso.datetime().nullable(),
});
export type McpTokenRecord = z.infer<typeof recordSchema>;
const fileSchema = z.object({ version: z.literal(1), tokens: z.array(recordSchema) });

const TOKEN_PATTERN = /^mcp_([a-f0-9]{16})_([A-Za-z0-9_-]{43})$/;

export function mcpTokenFile(env: Env = process.env): string {
  // Resolved at run time against the server's working directory, never traced by the bundler.
  return path.resolve(/*turbopackIgnore: true*/ env.MCP_TOKEN_FILE || '.data/mcp-tokens.json');
}

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');

async function readRecords(file: string): Promise<McpTokenRecord[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return fileSchema.parse(JSON.parse(text)).tokens;
}

/**
 * The store as last read, for the bearer check on every MCP request: read and parsed again only
 * when the file changed. Every write renames a new file into place, so its inode changes: one
 * `stat` a request (microseconds) notices a revocation by this or another process at once.
 */
const lastRead = new Map<string, { version: string; records: Promise<McpTokenRecord[]> }>();
function currentRecords(file: string): Promise<McpTokenRecord[]> {
  const stat = statSync(file, { throwIfNoEntry: false });
  if (!stat) return Promise.resolve([]);
  const version = `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeMs}`;
  const cached = lastRead.get(file);
  if (cached?.version === version) return cached.records;
  const records = readRecords(file);
  lastRead.set(file, { version, records });
  // A failed read is not kept: the next request reads again.
  records.catch(() => {
    if (lastRead.get(file)?.records === records) lastRead.delete(file);
  });
  return records;
}

// Writers queue behind each other in this process; the rename makes each write all-or-nothing.
let writing: Promise<unknown> = Promise.resolve();
function update<T>(file: string, change: (records: McpTokenRecord[]) => T): Promise<T> {
  const run = writing.then(async () => {
    const records = await readRecords(file);
    const result = change(records);
    await mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify({ version: 1, tokens: records }, null, 2), {
      mode: 0o600,
    });
    await rename(tmp, file);
    return result;
  });
  writing = run.catch(() => undefined);
  return run;
}

/** A new token for `sub`: the only time its secret exists outside the caller's hands. */
export async function createMcpToken(input: {
  file: string;
  sub: string;
  label: string;
  days: McpTokenDays;
  nowMs: number;
}): Promise<{ token: string; record: McpTokenRecord }> {
  const id = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  const record: McpTokenRecord = {
    id,
    sub: input.sub,
    label: input.label.slice(0, 80),
    secretSha256: sha256(secret),
    createdAt: new Date(input.nowMs).toISOString(),
    expiresAt: new Date(input.nowMs + input.days * DAY_SECONDS * 1000).toISOString(),
    revokedAt: null,
  };
  await update(input.file, (records) => {
    // Expired and revoked tokens are dropped after a day: the list stays short.
    const keep = records.filter(
      (r) => Date.parse(r.revokedAt ?? r.expiresAt) > input.nowMs - DAY_SECONDS * 1000,
    );
    records.splice(0, records.length, ...keep, record);
  });
  return { token: `mcp_${id}_${secret}`, record };
}

/** `sub`'s tokens, newest first (without secrets, which the store does not have). */
export async function listMcpTokens(file: string, sub: string): Promise<McpTokenRecord[]> {
  return (await readRecords(file)).filter((r) => r.sub === sub).reverse();
}

/** Revokes one of `sub`'s tokens; false when it has no such token. */
export function revokeMcpToken(input: {
  file: string;
  sub: string;
  id: string;
  nowMs: number;
}): Promise<boolean> {
  return update(input.file, (records) => {
    const record = records.find((r) => r.id === input.id && r.sub === input.sub);
    if (!record) return false;
    record.revokedAt ??= new Date(input.nowMs).toISOString();
    return true;
  });
}

export type McpCaller = { readonly sub: string; readonly tokenId: string };

export type McpAuthResult =
  | { readonly ok: true; readonly caller: McpCaller }
  | { readonly ok: false; readonly status: 401 | 403; readonly error: string };

/**
 * The caller behind an `Authorization` header. 401: no token, not an MCP token, unknown,
 * expired or revoked; 403: a valid token whose owner is no longer an admin.
 */
export async function authenticateMcp(
  authorization: string | null,
  options: { file: string; nowMs: number; env?: Env },
): Promise<McpAuthResult> {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
  if (!bearer) return { ok: false, status: 401, error: 'Missing bearer token' };
  const match = TOKEN_PATTERN.exec(bearer);
  if (!match?.[1] || !match[2]) {
    return { ok: false, status: 401, error: 'Not an MCP token (create one on /admin/mcp)' };
  }
  const [, id, secret] = match;
  const record = (await currentRecords(options.file)).find((r) => r.id === id);
  const given = Buffer.from(sha256(secret), 'hex');
  if (!record || !timingSafeEqual(Buffer.from(record.secretSha256, 'hex'), given)) {
    return { ok: false, status: 401, error: 'Unknown token' };
  }
  if (record.revokedAt !== null) return { ok: false, status: 401, error: 'Token revoked' };
  if (Date.parse(record.expiresAt) <= options.nowMs) {
    return { ok: false, status: 401, error: 'Token expired' };
  }
  const owner = accounts(options.env).find(
    (a) => a.email.toLowerCase() === record.sub.toLowerCase(),
  );
  if (owner?.role !== 'admin') {
    return { ok: false, status: 403, error: 'The token’s owner is not an admin' };
  }
  return { ok: true, caller: { sub: record.sub, tokenId: record.id } };
}
