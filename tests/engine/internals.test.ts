/**
 * The native-free engine overrides a handful of Cube internals. These checks fail loudly when a
 * Cube upgrade renames or removes one of them, instead of letting the engine break at run time.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, test } from 'vitest';
import {
  ApiGateway,
  CompilerApi,
  CubejsServer,
  CubejsServerCore,
  NativeInstance,
  PostgresQuery,
  PreAggregationLoadCache,
  QueryOrchestrator,
  ResultMultiWrapper,
  ResultWrapper,
} from '../../cube/engine/cube-modules';
import { SHARED_ENV_MODULE } from '../../cube/engine/env-cache';
import { PINNED_CUBE_VERSION } from '../../cube/engine/native-free';

const require = createRequire(import.meta.url);
const versionOf = (pkg: string): string =>
  JSON.parse(fs.readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')).version;

const methodsOf = (proto: object): string[] => {
  const names = new Set<string>();
  for (let p: object | null = proto; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    for (const name of Object.getOwnPropertyNames(p)) names.add(name);
  }
  return [...names];
};

describe('Cube internals the native-free engine relies on', () => {
  test.each([
    '@cubejs-backend/server',
    '@cubejs-backend/server-core',
    '@cubejs-backend/api-gateway',
    '@cubejs-backend/schema-compiler',
    '@cubejs-backend/native',
    '@cubejs-backend/postgres-driver',
  ])('%s is the pinned version', (pkg) => {
    expect(versionOf(pkg)).toBe(PINNED_CUBE_VERSION);
  });

  test.each([
    ['CubejsServer', CubejsServer.prototype, ['createCoreInstance', 'listen', 'close']],
    [
      'CubejsServerCore',
      CubejsServerCore.prototype,
      // initApp: the Playground mounts ahead of Cube's routes (cube/playground/server.ts).
      [
        'createApiGatewayInstance',
        'createCompilerApi',
        'createCompilerApiOptions',
        'initApp',
        'apiGateway',
      ],
    ],
    ['CompilerApi', CompilerApi.prototype, ['createNativeInstance', 'metaConfig']],
    [
      'ApiGateway',
      ApiGateway.prototype,
      [
        'createSQLServerInstance',
        'load',
        'resToResultFn',
        'meta',
        'contextByReq',
        'getCompilerApi',
      ],
    ],
    ['NativeInstance', NativeInstance.prototype, ['newJinjaEngine']],
    [
      'ResultWrapper',
      ResultWrapper.prototype,
      ['getFinalResult', 'getTransformData', 'getRootResultObject'],
    ],
    ['ResultMultiWrapper', ResultMultiWrapper.prototype, ['getFinalResult', 'getResults']],
    [
      'PostgresQuery',
      PostgresQuery.prototype,
      [
        'dateBin',
        'intervalString',
        'buildSqlAndParams',
        'collectAllMemberChildren',
        'collectAllMultiStageMembers',
      ],
    ],
    [
      'PreAggregationLoadCache',
      PreAggregationLoadCache.prototype,
      ['calculateVersionEntries', 'getTablesQuery', 'fetchQueryStageState', 'reset'],
    ],
    // fetchQuery: a query naming a dropped rollup table is planned again (dropped-rollup-retry.ts).
    ['QueryOrchestrator', QueryOrchestrator.prototype, ['fetchQuery']],
  ] as const)('%s still has the methods we override or call', (_name, proto, methods) => {
    expect(methodsOf(proto)).toEqual(expect.arrayContaining([...methods]));
  });

  test('the YAML compiler still asks the native instance for its Jinja engine in one place', () => {
    const source = fs.readFileSync(
      require.resolve('@cubejs-backend/schema-compiler/dist/src/compiler/YamlCompiler.js'),
      'utf8',
    );
    expect(source.match(/nativeInstance\.newJinjaEngine\(/g)).toHaveLength(1);
  });

  test('the gateway serialises results only through the wrappers getFinalResult', () => {
    const gateway = fs.readFileSync(
      require.resolve('@cubejs-backend/api-gateway/dist/src/gateway.js'),
      'utf8',
    );
    const nativeCalls = [...gateway.matchAll(/native_1\.(\w+)/g)].map((m) => m[1]);
    // Anything new here is a native call the engine does not cover yet.
    expect(new Set(nativeCalls)).toEqual(
      new Set([
        'ResultWrapper',
        'ResultMultiWrapper',
        'ResultArrayWrapper',
        'rowsToColumnar',
        'redactSqlLiterals',
      ]),
    );
  });

  test('custom granularities still reach the dialect through dateBin, with the 180-day formula', () => {
    const dialect = (file: string) =>
      fs.readFileSync(
        require.resolve(`@cubejs-backend/schema-compiler/dist/src/adapter/${file}`),
        'utf8',
      );
    // Non-aligned granularities call `this.dateBin(interval, dimension, origin)`: our override.
    expect(dialect('BaseQuery.js')).toContain(
      'return this.dateBin(granularity.granularityInterval, dimension, granularity.originLocalFormatted());',
    );
    // When Cube's Postgres dateBin stops dividing by the interval's epoch, re-check whether the
    // override (cube/engine/postgres-dialect.ts) is still needed.
    expect(dialect('PostgresQuery.js')).toMatch(/EXTRACT\(EPOCH FROM INTERVAL \$\{intervalStr\}\)/);
  });

  test('the server core still takes the dialect from the dialectFactory option', () => {
    const server = fs.readFileSync(
      require.resolve('@cubejs-backend/server-core/dist/src/core/server.js'),
      'utf8',
    );
    expect(server).toContain('this.options.dialectFactory({ ...context, ...dialectContext })');
  });

  test('the version-entries cache still sees every input of calculateVersionEntries', () => {
    // The cache (cube/engine/version-entries-cache.ts) keys on the table listing and skips itself
    // while builds are queued; any other input Cube adds to this method would make it stale.
    const source = fs.readFileSync(
      require.resolve(
        '@cubejs-backend/query-orchestrator/dist/src/orchestrator/PreAggregationLoadCache.js',
      ),
      'utf8',
    );
    const body = /async calculateVersionEntries\(preAggregation\) \{([\s\S]*?)\n {4}\}\n/.exec(
      source,
    )?.[1];
    expect(body).toBeDefined();
    const inputs = [...(body ?? '').matchAll(/(?:this|preAggregation)\.(\w+)/g)].map((m) => m[1]);
    expect(new Set(inputs)).toEqual(
      new Set(['preAggregationsSchema', 'getTablesQuery', 'external', 'fetchQueryStageState']),
    );
    // A listing Cube refetches after a build is a new array: that is what invalidates the cache.
    expect(source).toMatch(
      /async reset\(preAggregation\) \{\s+await this\.tablesFromCache\(preAggregation, true\);/,
    );
  });

  test('Cube reads settings through the one getEnv the env cache replaces', () => {
    // cube/engine/env-cache.ts swaps the env module's export; callers must reach it through the
    // package index's live binding at call time, never a copy taken when they were loaded.
    const envModule = require(SHARED_ENV_MODULE) as { getEnv: unknown };
    expect(Object.getOwnPropertyDescriptor(envModule, 'getEnv')?.writable).toBe(true);
    const index = require('@cubejs-backend/shared') as object;
    expect(Object.getOwnPropertyDescriptor(index, 'getEnv')?.get).toBeTypeOf('function');
    for (const file of [
      '@cubejs-backend/api-gateway/dist/src/gateway.js',
      '@cubejs-backend/query-orchestrator/dist/src/orchestrator/QueryQueue.js',
      '@cubejs-backend/server-core/dist/src/core/server.js',
    ]) {
      const source = fs.readFileSync(require.resolve(file), 'utf8');
      expect(source).toMatch(/\(0, shared_1\.getEnv\)\(/);
      expect(source).not.toMatch(/\{[^}]*\bgetEnv\b[^}]*\} = require\(/);
    }
  });
});
