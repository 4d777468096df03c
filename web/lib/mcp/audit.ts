/**
 * Every MCP message that calls a tool or reads a resource is logged when it is answered: who (the
 * token's owner and id), which tool with which arguments or which resource, when, how long, how
 * many rows (a resource: views or members), and whether it failed.
 * Observed on the transport, so calls the SDK refuses before a tool runs are logged too. One JSON
 * line per call on stdout, and appended to MCP_AUDIT_LOG when it is set.
 */
import { appendFile } from 'node:fs/promises';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { z } from 'zod';
import type { Env } from '../env';
import type { RowCounts } from './server';
import type { McpCaller } from './tokens';

export const auditEntrySchema = z
  .object({
    at: z.iso.datetime(),
    sub: z.string(),
    tokenId: z.string(),
    /** A tool call's tool and arguments, */
    tool: z.string().optional(),
    arguments: z.unknown().optional(),
    /** or a resource read's URI. */
    resource: z.string().optional(),
    ms: z.number(),
    rows: z.number().int().nonnegative(),
    ok: z.boolean(),
    error: z.string().optional(),
  })
  .refine((e) => (e.tool === undefined) !== (e.resource === undefined), {
    error: 'an entry is a tool call or a resource read',
  });
export type AuditEntry = z.infer<typeof auditEntrySchema>;

const callSchema = z.object({
  id: z.union([z.string(), z.number()]),
  method: z.literal('tools/call'),
  params: z.object({ name: z.string(), arguments: z.unknown().optional() }).loose(),
});
const readSchema = z.object({
  id: z.union([z.string(), z.number()]),
  method: z.literal('resources/read'),
  params: z.object({ uri: z.string() }).loose(),
});
const answerSchema = z
  .object({
    id: z.union([z.string(), z.number()]),
    result: z
      .object({
        isError: z.boolean().optional(),
        // A tool's answer (a resource read answers with `contents`).
        content: z
          .array(z.object({ type: z.string(), text: z.string().optional() }).loose())
          .optional(),
      })
      .loose()
      .optional(),
    error: z.object({ message: z.string() }).loose().optional(),
  })
  .loose();

async function write(entry: AuditEntry, env: Env): Promise<void> {
  const line = JSON.stringify(entry);
  // Printed just after the answer leaves (in order): a write to a piped stdout is synchronous
  // and wakes the reading process, a cost the caller would otherwise wait for on every call.
  setImmediate(() => console.log(`[mcp-audit] ${line}`));
  if (env.MCP_AUDIT_LOG) {
    await appendFile(env.MCP_AUDIT_LOG, `${line}\n`).catch((error: unknown) =>
      console.error('[mcp-audit] cannot append to MCP_AUDIT_LOG:', error),
    );
  }
}

/** Wraps a connected transport so that each tools/call or resources/read and its answer become one audit line. */
export function auditTransport(
  transport: Transport,
  caller: McpCaller,
  rows: RowCounts,
  env: Env = process.env,
): Promise<void>[] {
  const pending = new Map<
    string | number,
    { what: { tool: string; arguments: unknown } | { resource: string }; started: number }
  >();
  const writes: Promise<void>[] = [];
  const receive = transport.onmessage;
  transport.onmessage = (message, extra) => {
    // Only tool calls and reads are parsed (a plain property check first: this runs for every message).
    const method = 'method' in message ? message.method : null;
    const call = method === 'tools/call' ? callSchema.safeParse(message) : null;
    if (call?.success) {
      pending.set(call.data.id, {
        what: { tool: call.data.params.name, arguments: call.data.params.arguments ?? {} },
        started: performance.now(),
      });
    }
    const read = method === 'resources/read' ? readSchema.safeParse(message) : null;
    if (read?.success) {
      pending.set(read.data.id, {
        what: { resource: read.data.params.uri },
        started: performance.now(),
      });
    }
    receive?.(message, extra);
  };
  const send = transport.send.bind(transport);
  transport.send = async (message, options) => {
    const answer =
      'id' in message && message.id !== undefined && pending.has(message.id)
        ? answerSchema.safeParse(message)
        : { success: false as const };
    const call = answer.success ? pending.get(answer.data.id) : undefined;
    if (answer.success && call) {
      pending.delete(answer.data.id);
      const failed = answer.data.error !== undefined || answer.data.result?.isError === true;
      const errorText =
        answer.data.error?.message ?? answer.data.result?.content?.find((c) => c.text)?.text;
      writes.push(
        write(
          {
            at: new Date().toISOString(),
            sub: caller.sub,
            tokenId: caller.tokenId,
            ...call.what,
            ms: Number((performance.now() - call.started).toFixed(2)),
            rows: failed ? 0 : (rows.get(answer.data.id) ?? 0),
            ok: !failed,
            ...(failed && errorText ? { error: errorText.slice(0, 500) } : {}),
          },
          env,
        ),
      );
      rows.delete(answer.data.id);
    }
    return send(message, options);
  };
  return writes;
}
