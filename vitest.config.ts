import { defineConfig } from 'vitest/config';

// One config, several projects: the fast pure suites, the ones that need Postgres and Cube,
// the web components (jsdom) and the browser end-to-end run. `npm test` runs the e2e project in
// its own vitest process beside one for the others (scripts/test.ts): vitest queues projects whose
// files run one at a time behind each other, so in one process only one file ran at a time.
export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: [
            'tests/{db,engine,model,bench}/**/*.test.ts',
            'cube/**/*.test.ts',
            'db/**/*.test.ts',
          ],
          environment: 'node',
          globalSetup: ['tests/setup/global-stack.ts'],
          testTimeout: 120_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'web',
          include: ['tests/web/**/*.test.{ts,tsx}', 'web/**/*.test.{ts,tsx}'],
          environment: 'jsdom',
          // No timing is asserted here; vitest's default 5 s per test is too short for a render
          // test when the e2e group (web build, Chromium) runs beside it on two cores.
          testTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          // Each file starts the processes it needs (the split topology, compose checks); the
          // compat guard needs none (it reads Cube's installed files), so no shared stack here.
          name: 'topology',
          include: ['tests/topology/**/*.test.ts', 'tests/compat/**/*.test.ts'],
          environment: 'node',
          testTimeout: 300_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/setup/global-e2e.ts'],
          testTimeout: 300_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
