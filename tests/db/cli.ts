import { execFile } from 'node:child_process';

export type CliResult = { code: number; stdout: string; stderr: string };

/** Runs `db/seed/cli.ts` in a child process with a clean database environment plus `env`. */
export function runSeedCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const base: Record<string, string | undefined> = { ...process.env };
  for (const key of Object.keys(base)) {
    if (key.startsWith('CUBEJS_DB_') || key === 'DATABASE_URL') delete base[key];
  }
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'db/seed/cli.ts', ...args],
      { env: { ...base, ...env }, timeout: 120_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
