/**
 * The verified-token cache on an injected clock: a token is answered from memory only before its
 * `exp` (the same second jsonwebtoken stops accepting it), failures are never kept, and every
 * request gets its own copy of the claims. The same rule through a running Cube:
 * tests/engine/load-batch.test.ts ("a token verified before is refused once it expires").
 */
import { describe, expect, test } from 'vitest';
import { VerifiedTokens } from '../../cube/hardening/token-cache';

const EXP = 2_000_000_000;

function counted(claims: Record<string, unknown> | Error) {
  let calls = 0;
  const checkAuth = async (req: { securityContext?: unknown }, _auth?: string) => {
    calls += 1;
    if (claims instanceof Error) throw claims;
    req.securityContext = { ...claims };
    return { securityContext: req.securityContext };
  };
  return { checkAuth, calls: () => calls };
}

describe('VerifiedTokens', () => {
  test('answers from memory until the second of exp, then verifies again', async () => {
    let now = (EXP - 10) * 1000;
    const tokens = new VerifiedTokens(() => now);
    const auth = counted({ sub: 'a', role: 'admin', exp: EXP });
    const check = tokens.wrap(auth.checkAuth);

    await check({}, 'token-a');
    const req: { securityContext?: unknown } = {};
    await check(req, 'token-a');
    expect(auth.calls()).toBe(1);
    expect(req.securityContext).toEqual({ sub: 'a', role: 'admin', exp: EXP });

    now = EXP * 1000 - 1;
    expect(tokens.peek('token-a')).toBeDefined();
    now = EXP * 1000;
    expect(tokens.peek('token-a')).toBeUndefined();
    await check({}, 'token-a');
    expect(auth.calls()).toBe(2);
  });

  test('a refused token is never kept', async () => {
    const tokens = new VerifiedTokens(() => (EXP - 10) * 1000);
    const auth = counted(new Error('invalid signature'));
    const check = tokens.wrap(auth.checkAuth);
    await expect(check({}, 'bad')).rejects.toThrow('invalid signature');
    await expect(check({}, 'bad')).rejects.toThrow('invalid signature');
    expect(auth.calls()).toBe(2);
    expect(tokens.peek('bad')).toBeUndefined();
  });

  test('each request gets its own copy of the claims', async () => {
    const tokens = new VerifiedTokens(() => (EXP - 10) * 1000);
    const check = tokens.wrap(counted({ sub: 'a', role: 'admin', exp: EXP }).checkAuth);
    await check({}, 'token-a');
    const first: { securityContext?: unknown } = {};
    const second: { securityContext?: unknown } = {};
    await check(first, 'token-a');
    await check(second, 'token-a');
    expect(first.securityContext).not.toBe(second.securityContext);
    (first.securityContext as Record<string, unknown>).added = true;
    expect(second.securityContext).not.toHaveProperty('added');
  });

  test('a token without exp is not kept', async () => {
    const tokens = new VerifiedTokens(() => (EXP - 10) * 1000);
    const auth = counted({ sub: 'a', role: 'admin' });
    const check = tokens.wrap(auth.checkAuth);
    await check({}, 'no-exp');
    await check({}, 'no-exp');
    expect(auth.calls()).toBe(2);
  });
});
