'use server';

import { redirect } from 'next/navigation';
import { z } from 'zod';
import { accountByCredentials, accountByKey } from '../../lib/auth/accounts';
import { endSession, startSession } from '../../lib/auth/server';
import { safeReturnPath } from '../../lib/auth/session';
import { ConfigError, demoLoginEnabled } from '../../lib/env';

export interface SignInState {
  readonly error: string | null;
}

const demoSchema = z.object({
  account: z.enum(['admin', 'member']),
  next: z.string().optional(),
});

const passwordSchema = z.object({
  email: z.email('Enter an email address'),
  password: z.string().min(1, 'Enter the password'),
  next: z.string().optional(),
});

function configMessage(error: unknown): string {
  if (error instanceof ConfigError) return error.message;
  throw error;
}

/** One-click sign-in as the demo admin or demo member (DEMO_LOGIN=1 only). */
export async function signInAsDemo(_prev: SignInState, formData: FormData): Promise<SignInState> {
  if (!demoLoginEnabled()) return { error: 'One-click demo sign-in is turned off (DEMO_LOGIN).' };
  const parsed = demoSchema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) return { error: 'Unknown demo account.' };
  const account = accountByKey(parsed.data.account);
  if (!account) return { error: 'Unknown demo account.' };
  try {
    await startSession(account);
  } catch (error) {
    return { error: configMessage(error) };
  }
  redirect(safeReturnPath(parsed.data.next));
}

/** Email + password sign-in for the accounts whose password is configured (ADMIN_PASSWORD…). */
export async function signInWithPassword(
  _prev: SignInState,
  formData: FormData,
): Promise<SignInState> {
  const parsed = passwordSchema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) return { error: parsed.error.issues[0]?.message ?? 'Invalid input' };
  const account = accountByCredentials(parsed.data.email, parsed.data.password);
  if (!account) return { error: 'Wrong email or password.' };
  try {
    await startSession(account);
  } catch (error) {
    return { error: configMessage(error) };
  }
  redirect(safeReturnPath(parsed.data.next));
}

export async function signOut(): Promise<void> {
  await endSession();
  redirect('/sign-in');
}
