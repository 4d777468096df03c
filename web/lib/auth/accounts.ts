/**
 * The accounts that can sign in to the admin area. The app has no user table of its own:
 * the seeded admin and a non-admin member come from the environment (with demo defaults).
 * Password sign-in is available for an account only when its password variable is set.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Env } from '../env';
import type { Role } from './session';

export interface Account {
  readonly key: 'admin' | 'member';
  readonly email: string;
  readonly name: string;
  readonly role: Role;
  readonly password: string | null;
}

export function accounts(env: Env = process.env): readonly Account[] {
  return [
    {
      key: 'admin',
      email: env.ADMIN_EMAIL || 'admin@example.com',
      name: 'Demo admin',
      role: 'admin',
      password: env.ADMIN_PASSWORD || null,
    },
    {
      key: 'member',
      email: env.MEMBER_EMAIL || 'member@example.com',
      name: 'Demo member',
      role: 'member',
      password: env.MEMBER_PASSWORD || null,
    },
  ];
}

export function accountByKey(key: string, env?: Env): Account | null {
  return accounts(env).find((a) => a.key === key) ?? null;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** The account whose email and password match; constant-time password comparison. */
export function accountByCredentials(email: string, password: string, env?: Env): Account | null {
  const wanted = email.trim().toLowerCase();
  for (const account of accounts(env)) {
    if (account.password === null || account.email.toLowerCase() !== wanted) continue;
    if (timingSafeEqual(digest(account.password), digest(password))) return account;
  }
  return null;
}
