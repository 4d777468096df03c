'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { getSession } from '../../../lib/auth/server';
import {
  createMcpToken,
  MCP_TOKEN_LIFETIMES_DAYS,
  mcpTokenDaysSchema,
  mcpTokenFile,
  revokeMcpToken,
} from '../../../lib/mcp/tokens';

export type CreateTokenState =
  | { readonly status: 'idle' }
  | { readonly status: 'error'; readonly error: string }
  | { readonly status: 'created'; readonly token: string; readonly expiresAt: string };

const createSchema = z.object({
  label: z.string().trim().max(80, 'At most 80 characters').default(''),
  days: mcpTokenDaysSchema.catch(MCP_TOKEN_LIFETIMES_DAYS[1]),
});

/** Admins only: the session is checked again here, a Server Function is reachable by POST. */
async function adminSub(): Promise<string | null> {
  const session = await getSession();
  return session?.role === 'admin' ? session.sub : null;
}

export async function createTokenAction(
  _prev: CreateTokenState,
  formData: FormData,
): Promise<CreateTokenState> {
  const sub = await adminSub();
  if (!sub) return { status: 'error', error: 'Only a signed-in admin can create MCP tokens.' };
  const parsed = createSchema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) return { status: 'error', error: z.prettifyError(parsed.error) };
  const { token, record } = await createMcpToken({
    file: mcpTokenFile(),
    sub,
    label: parsed.data.label || 'AI assistant',
    days: parsed.data.days,
    nowMs: Date.now(),
  });
  revalidatePath('/admin/mcp');
  return { status: 'created', token, expiresAt: record.expiresAt };
}

export async function revokeTokenAction(formData: FormData): Promise<void> {
  const sub = await adminSub();
  const id = z
    .string()
    .regex(/^[a-f0-9]{16}$/)
    .safeParse(formData.get('id'));
  if (!sub || !id.success) return;
  await revokeMcpToken({ file: mcpTokenFile(), sub, id: id.data, nowMs: Date.now() });
  revalidatePath('/admin/mcp');
}
