import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

// Secrets for env-less local runs (the embedded Postgres password, CUBEJS_API_SECRET, …):
// generated once, kept in `<dataDir>/secrets.json` (mode 600, git-ignored with `.data/`), so a
// second `npm start` signs in to the same database and accepts the same tokens.

const FILE = 'secrets.json';
const LOCK_WAIT_MS = 5_000;
const STALE_LOCK_MS = 30_000;

function readSecrets(file: string): Record<string, string> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Never silently regenerate: the old values may still protect an existing database.
    throw new Error(`${file} is not valid JSON; fix or delete it (and the data it protects)`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`${file} must hold a JSON object of name → secret`);
  }
  const secrets: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value === 'string') secrets[key] = value;
  }
  return secrets;
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Holds an exclusive lock file while `fn` runs, so two processes never mint two secrets. */
function withLock<T>(lockFile: string, fn: () => T): T {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      fs.closeSync(fs.openSync(lockFile, 'wx', 0o600));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = Date.now() - (fs.statSync(lockFile, { throwIfNoEntry: false })?.mtimeMs ?? 0);
      if (age > STALE_LOCK_MS) fs.rmSync(lockFile, { force: true });
      else if (Date.now() > deadline) throw new Error(`Timed out waiting for ${lockFile}`);
      else sleep(25);
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(lockFile, { force: true });
  }
}

/**
 * A random secret named `name`, generated on first use and then stable: it is stored in
 * `<dataDir>/secrets.json` (file mode 600).
 */
export function localSecret(name: string, dataDir = '.data'): string {
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) throw new Error(`Invalid secret name "${name}"`);
  const file = path.resolve(dataDir, FILE);
  const existing = readSecrets(file)[name];
  if (existing !== undefined) return existing;

  fs.mkdirSync(path.dirname(file), { recursive: true });
  return withLock(`${file}.lock`, () => {
    const secrets = readSecrets(file);
    const current = secrets[name];
    if (current !== undefined) return current;
    const secret = randomBytes(32).toString('base64url');
    const temp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temp, `${JSON.stringify({ ...secrets, [name]: secret }, null, 2)}\n`, {
      mode: 0o600,
    });
    fs.chmodSync(temp, 0o600);
    fs.renameSync(temp, file);
    return secret;
  });
}
