/**
 * The one guard of the compatibility layer (cube/compat/, and the native-free engine's overrides
 * in cube/engine/): every `@cubejs-backend/*` package the code touches is the pinned version, and
 * every Cube function or class member a patch replaces, wraps or reproduces has the source it had
 * when the patch was written. A Cube upgrade fails here, in one place, with the list of patches to
 * re-check (docs/upgrading-cube.md says how). No stack: it reads Cube's installed files only.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, test, vi } from 'vitest';
import { SHARED_ENV_MODULE } from '../../cube/compat/env-cache';
import { compatHealth, patchFailed } from '../../cube/compat/health';
import { compatPatchOn } from '../../cube/compat/switches';
import {
  ApiGateway,
  CompilerApi,
  CubejsServer,
  CubejsServerCore,
  NativeInstance,
  PostgresQuery,
  PreAggregationLoadCache,
  PreAggregationPartitionRangeLoader,
  QueryCache,
  QueryOrchestrator,
  ResultMultiWrapper,
  ResultWrapper,
} from '../../cube/engine/cube-modules';
import { PINNED_CUBE_VERSION } from '../../cube/engine/native-free';

const require = createRequire(import.meta.url);
const ROOT = path.resolve(import.meta.dirname, '..', '..');
const packageJson = (file: string) =>
  JSON.parse(fs.readFileSync(file, 'utf8')) as {
    version: string;
    dependencies?: Record<string, string>;
  };
const versionOf = (pkg: string, from = require): string =>
  packageJson(from.resolve(`${pkg}/package.json`)).version;
const source = (file: string) => fs.readFileSync(require.resolve(file), 'utf8');
const orchestrator = (file: string) =>
  source(`@cubejs-backend/query-orchestrator/dist/src/orchestrator/${file}`);
const short = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);

/** The `@cubejs-backend/*` packages the project's code names (imports, requires, file paths). */
function packagesNamedInCode(): string[] {
  const found = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (/\.tsx?$/.test(entry.name)) {
        for (const m of fs.readFileSync(file, 'utf8').matchAll(/@cubejs-backend\/([a-z-]+)/g))
          found.add(`@cubejs-backend/${m[1]}`);
      }
    }
  };
  for (const dir of ['cube', 'web', 'lib', 'db', 'scripts', 'bench']) walk(path.join(ROOT, dir));
  return [...found].sort();
}

/** Every Cube package the code reaches into, at the version its patches were written against. */
const PINNED_PACKAGES = [
  '@cubejs-backend/api-gateway',
  '@cubejs-backend/base-driver',
  '@cubejs-backend/native',
  '@cubejs-backend/postgres-driver',
  '@cubejs-backend/query-orchestrator',
  '@cubejs-backend/schema-compiler',
  '@cubejs-backend/server',
  '@cubejs-backend/server-core',
  '@cubejs-backend/shared',
];

/** Packages the compat layer loads out of Cube's own tree (what Cube itself runs). */
const FROM_CUBES_TREE = [
  { pkg: 'cors', from: '@cubejs-backend/server', version: '2.8.6', patch: 'cube-server.ts' },
  {
    pkg: 'promise-timeout',
    from: '@cubejs-backend/server-core',
    version: '1.3.0',
    patch: 'stack-traces.ts',
  },
];

type Fn = (...args: never[]) => unknown;
const fnSource = (fn: unknown): string => {
  if (typeof fn !== 'function') throw new Error('not a function (renamed or removed?)');
  return Function.prototype.toString.call(fn as Fn);
};
const method = (cls: { prototype: object }, name: string) => () =>
  fnSource((cls.prototype as Record<string, unknown>)[name]);
const member = (owner: object, name: string) => () =>
  fnSource((owner as Record<string, unknown>)[name]);
/** A class field (an arrow function Cube assigns per instance): its text in the file. */
const field = (file: string, name: string) => () => {
  const text = source(file);
  const start = text.indexOf(`\n    ${name} = `);
  if (start === -1) throw new Error(`${name} not found in ${file}`);
  return text.slice(start, text.indexOf('\n    };\n', start));
};

type Fingerprint = { patch: string; target: string; read: () => string; hash: string };
type Hashes = Record<string, string>;

/** Rows for members of a class's prototype (`label#name`). */
const methods = (patch: string, label: string, cls: { prototype: object }, hashes: Hashes) =>
  Object.entries(hashes).map(([name, hash]) => ({
    patch,
    target: `${label}#${name}`,
    read: method(cls, name),
    hash,
  }));
/** Rows for functions held by an object: a module's exports or a class's statics (`label.name`). */
const members = (patch: string, label: string, owner: object, hashes: Hashes) =>
  Object.entries(hashes).map(([name, hash]) => ({
    patch,
    target: `${label}.${name}`,
    read: member(owner, name),
    hash,
  }));

const gatewayFile = '@cubejs-backend/api-gateway/dist/src/gateway.js';
const queryModule = require('@cubejs-backend/api-gateway/dist/src/query') as object;
const timeModule = require('@cubejs-backend/shared/dist/src/time') as object;
const envModule = require(SHARED_ENV_MODULE) as object;
const orchestratorUtils =
  require('@cubejs-backend/query-orchestrator/dist/src/orchestrator/utils') as object;
const schemaQueryCache = (
  require('@cubejs-backend/schema-compiler/dist/src/adapter/QueryCache') as {
    QueryCache: { prototype: object };
  }
).QueryCache;
const { PostgresDriver } = require('@cubejs-backend/postgres-driver') as {
  PostgresDriver: { prototype: object };
};
const dateParserModule = require('@cubejs-backend/api-gateway/dist/src/date-parser') as object;
const sharedIndex = require('@cubejs-backend/shared') as object;
const promiseTimeout = createRequire(require.resolve('@cubejs-backend/server-core'))(
  'promise-timeout',
) as object;

/**
 * One row per Cube function or member a patch depends on (replaces, wraps, reproduces or calls):
 * the patch (in cube/compat/ unless a path says otherwise), what it is, and the first 16 hex digits
 * of the SHA-256 of its source as installed.
 */
const FINGERPRINTS: Fingerprint[] = [
  // The JS result transform in place of the native one.
  ...methods('result-wrapper-patch.ts', 'native ResultWrapper', ResultWrapper, {
    getFinalResult: 'cbf88d1181747932',
    getTransformData: '9c88716ed0bd4208',
    getRootResultObject: '782d4ac86b80e131',
  }),
  ...methods('result-wrapper-patch.ts', 'native ResultMultiWrapper', ResultMultiWrapper, {
    getFinalResult: 'c92d13c2b2f22b08',
    getResults: '9c03dbf171543b89',
  }),
  ...members('date-parse-memo.ts', 'api-gateway query.js', queryModule, {
    normalizeQuery: '5e95c98f961725ec',
  }),
  ...members(
    'date-parse-memo.ts',
    'query-orchestrator PreAggregationPartitionRangeLoader',
    PreAggregationPartitionRangeLoader,
    { extractDate: 'cb4d56dab6867172', timeSeries: 'bf8ba1992c16dbaf' },
  ),
  ...members('date-parse-memo.ts', 'shared time.js', timeModule, {
    timeSeriesBoundaries: 'c92b7e188535c7ea',
    localTimestampToUtc: '0e75a9efa4088dd8',
  }),
  ...methods(
    'rollup-listing.ts',
    'query-orchestrator PreAggregationLoadCache',
    PreAggregationLoadCache,
    {
      fetchTables: 'b2340d01c5c45b06',
      reset: 'f0501a52bf80d4fb',
    },
  ),
  ...methods(
    'version-entries-cache.ts',
    'query-orchestrator PreAggregationLoadCache',
    PreAggregationLoadCache,
    {
      calculateVersionEntries: 'eaa0d6480c861833',
      getTablesQuery: 'd2b33c01d29aa954',
      fetchQueryStageState: '62b47b630611b3e6',
    },
  ),
  ...methods('dropped-rollup-retry.ts', 'query-orchestrator QueryOrchestrator', QueryOrchestrator, {
    fetchQuery: '32b3131b20a1c99e',
  }),
  ...methods('cache-lookup-cost.ts', 'query-orchestrator QueryCache', QueryCache, {
    cacheOperationContext: 'e1501396bdf1e7d6',
  }),
  ...members(
    'cache-lookup-cost.ts',
    'query-orchestrator orchestrator/utils.js',
    orchestratorUtils,
    {
      getCacheHash: 'd27800f08e70885e',
    },
  ),
  ...members('env-cache.ts', 'shared env.js', envModule, { getEnv: '4da8f9b302e2005a' }),
  ...members('stack-traces.ts', "promise-timeout (server-core's)", promiseTimeout, {
    timeout: '673d217341477980',
  }),
  ...methods('sql-cache-first.ts', 'server-core CompilerApi', CompilerApi, {
    getSql: '8f5aa5d2842bf650',
  }),
  ...methods('sql-cache-first.ts', 'schema-compiler adapter/QueryCache', schemaQueryCache, {
    cache: 'fa67ebb47be31c0a',
  }),
  ...methods('postgres-driver.ts', 'postgres-driver PostgresDriver', PostgresDriver, {
    prepareConnection: 'e34e75a5d4c554ba',
  }),
  ...methods('admission.ts, gateway.ts', 'api-gateway ApiGateway', ApiGateway, {
    load: '5edccdc4570650c1',
  }),
  // The foreground path of Cube's query cache, asked the same way.
  ...methods('source-answer.ts', 'query-orchestrator QueryCache', QueryCache, {
    cachedQueryResult: '7aae504e7148f61f',
    renewQuery: 'ba23c720a8bc8bff',
    loadRefreshKeys: '2f07dbdb97f95340',
    cacheKeyQueriesFrom: '73fa793e0f39d086',
    queryCacheKey: '03de48be5317e59b',
  }),
  ...members('source-answer.ts', 'query-orchestrator QueryCache', QueryCache, {
    decideCacheAction: '3d6e38afa584c93e',
    queryCacheKey: 'c1a2fb9c93a15226',
    replacePreAggregationTableNames: '5ac70dbd122989e0',
  }),
  // The overridden and called members of Cube's gateway and core.
  ...methods('gateway.ts', 'api-gateway ApiGateway', ApiGateway, {
    createDefaultCheckAuth: '81ff83d44e993164',
    getAdapterApi: 'f7f6e4e5115a29e8',
    contextByReq: '07188fe274ab7efa',
    initApp: 'd3d3ae1a8796e847',
    handleError: '6647a09994b3fdba',
    healthResponse: '66a372193f592244',
    convertQuery: 'f8393d54d14225c8',
    cancelQuery: '8a3fde6f4b682454',
    getNormalizedQueries: '5cea78c572932f58',
    assertApiScope: '6a0f1fc81f8c3e3b',
    extractAuthorizationHeaderWithSchema: 'bcf6f3765da60e27',
    getCompilerApi: 'f891a7099a766f3c',
    createSQLServerInstance: '9d674ff055e877cb',
  }),
  {
    patch: 'gateway.ts',
    target: 'api-gateway ApiGateway handleErrorMiddleware (class field)',
    read: field(gatewayFile, 'handleErrorMiddleware'),
    hash: '1b1c8ef4eb2af467',
  },
  ...methods('gateway.ts', 'server-core CubejsServerCore', CubejsServerCore, {
    createApiGatewayInstance: 'eb3cdd82b21e5923',
  }),
  ...methods('cube-server.ts', 'server CubejsServer', CubejsServer, {
    createCoreInstance: '39317bc81e6e3328',
    listen: '5a1d6b9edfe221a3',
    close: '24341f5f7e27b67d',
  }),
  ...methods('playground-server.ts', 'server-core CubejsServerCore', CubejsServerCore, {
    initApp: '409fcaa8d936d8f1',
  }),
  // The native-free engine's seams that would call the native module.
  ...methods('cube/engine/native-free.ts', 'native NativeInstance', NativeInstance, {
    newJinjaEngine: 'f63304b8591e638c',
  }),
  ...methods('cube/engine/native-free.ts', 'server-core CompilerApi', CompilerApi, {
    createNativeInstance: '1c199aad68bca4de',
  }),
  ...methods('cube/engine/native-free.ts', 'server-core CubejsServerCore', CubejsServerCore, {
    createCompilerApi: 'ca170c8ade8c1acf',
    createCompilerApiOptions: '2c973a58d4ddd9f8',
  }),
  // The JS planner's Postgres dialect the engine subclasses.
  ...methods('cube/engine/postgres-dialect.ts', 'schema-compiler PostgresQuery', PostgresQuery, {
    dateBin: 'a1d6a1fdb5052895',
    intervalString: '42b85d12ec8f6072',
    buildSqlAndParams: 'b458f7e734937d11',
    collectAllMemberChildren: '5748238b8dd4b9fa',
    collectAllMultiStageMembers: '408d67e713b2352d',
  }),
  // Cube's private date parser (the query guard) and log redaction (the log sink), called.
  ...members('cube/hardening/query-guard.ts', 'api-gateway date-parser.js', dateParserModule, {
    dateParser: '9022c3872b6e05d2',
  }),
  ...members('cube/engine/log-sink.ts', 'shared', sharedIndex, {
    redactLogParams: '6f2b717ac83d0bd0',
  }),
];

describe('Cube packages the code reaches into', () => {
  test('every @cubejs-backend package named in the code is pinned, installed and declared at that version', () => {
    expect(packagesNamedInCode()).toEqual(PINNED_PACKAGES);
    const declared = packageJson(path.join(ROOT, 'package.json')).dependencies ?? {};
    const wrong = PINNED_PACKAGES.flatMap((pkg) => {
      const installed = versionOf(pkg);
      return installed === PINNED_CUBE_VERSION && declared[pkg] === PINNED_CUBE_VERSION
        ? []
        : [
            `${pkg}: installed ${installed}, declared ${declared[pkg]}, pinned ${PINNED_CUBE_VERSION}`,
          ];
    });
    expect(wrong).toEqual([]);
  });

  test.each(FROM_CUBES_TREE)(
    '$pkg as Cube loads it is $version ($patch)',
    ({ pkg, from, version }) => {
      expect(versionOf(pkg, createRequire(require.resolve(from)))).toBe(version);
    },
  );
});

describe('the source of every patched Cube function', () => {
  test('is unchanged (re-check the named patch for each row that differs)', () => {
    const changed = FINGERPRINTS.flatMap(({ patch, target, read, hash }) => {
      let now: string;
      try {
        now = short(read());
      } catch (error) {
        return [`${patch}: ${target}: ${(error as Error).message}`];
      }
      return now === hash ? [] : [`${patch}: ${target}: ${now} (was ${hash})`];
    });
    expect(changed).toEqual([]);
  });
});

describe('how Cube calls what the patches replace', () => {
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
    // The cache (cube/compat/version-entries-cache.ts) keys on the table listing and skips itself
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
    // cube/compat/env-cache.ts swaps the env module's export; callers must reach it through the
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

  test('CompilerApi.getSql still keeps SQL under { query without requestId, options } (sql-cache-first.ts)', () => {
    const compilerApi = source('@cubejs-backend/server-core/dist/src/core/CompilerApi.js');
    expect(compilerApi).toContain('const { requestId, ...keyOptions } = query;');
    expect(compilerApi).toContain('const key = { query: keyOptions, options };');
    expect(compilerApi).toContain(
      "return compilers.compilerCache.getQueryCache(key).cache(['sql'], getSqlFn);",
    );
    // Cube's per-key holder still stores a value under its key in `storage`.
    const queryCache = source('@cubejs-backend/schema-compiler/dist/src/adapter/QueryCache.js');
    expect(queryCache).toContain('let keyHolder = this.storage;');
    expect(queryCache).toContain('keyHolder[lastKey] = fn();');
  });

  test('prepareConnection only sets the time zone and timeout, and is called without options (postgres-driver.ts)', () => {
    const driver = source('@cubejs-backend/postgres-driver/dist/src/PostgresDriver.js');
    const body =
      /async prepareConnection\(conn, options = \{[\s\S]*?\}\) \{([\s\S]*?)\n {4}\}\n/.exec(
        driver,
      )?.[1];
    expect(
      body
        ?.trim()
        .split('\n')
        .map((line) => line.trim()),
    ).toEqual([
      expect.stringMatching(/^await conn\.query\(`SET TIME ZONE '\$\{this\.config\.storeTimezone/),
      expect.stringMatching(/^await conn\.query\(`SET statement_timeout TO \$\{options\./),
      'await this.loadUserDefinedTypes(conn);',
    ]);
    expect(driver.match(/this\.prepareConnection\([^)]*\)/g)).toEqual([
      'this.prepareConnection(conn)',
      'this.prepareConnection(conn)',
    ]);
  });

  test('the continue-wait timeout comes from promise-timeout, which builds its error up front (stack-traces.ts)', () => {
    const orchestratorApi = source('@cubejs-backend/server-core/dist/src/core/OrchestratorApi.js');
    expect(orchestratorApi).toContain('promise_timeout_1.default.timeout(fetchQueryPromise, ');
    expect(orchestratorApi).toContain('err instanceof promise_timeout_1.default.TimeoutError');
    // The stock module captures and formats a stack per call (what the patch removes).
    const stock = fs.readFileSync(
      createRequire(require.resolve('@cubejs-backend/server-core')).resolve('promise-timeout'),
      'utf8',
    );
    expect(stock).toContain('var error = new TimeoutError()');
    expect(stock).toContain('this.stack = Error().stack');
  });

  test('Cube calls the date functions through lookups the memo can replace (date-parse-memo.ts)', () => {
    const gateway = source(gatewayFile);
    expect(gateway.match(/\(0, query_1\.normalizeQuery\)\(/g)).toHaveLength(2);
    const loader = orchestrator('PreAggregationPartitionRangeLoader.js');
    expect(loader.match(/PreAggregationPartitionRangeLoader\.extractDate\(/g)).toHaveLength(2);
    expect(loader).toContain('(0, shared_1.timeSeriesBoundaries)(');
    expect(loader).toContain(
      'return (0, shared_1.localTimestampToUtc)(preAggregationDescription.timezone, preAggregationDescription.timestampFormat, timestamp);',
    );
    // Each partition's range: through the class (a memo can replace it), uncached on the API path.
    expect(loader).toContain(
      "this.compilerCacheFn(['timeSeries', this.preAggregation.partitionGranularity, JSON.stringify(dateRange), ",
    );
    expect(loader).toContain(
      '() => PreAggregationPartitionRangeLoader.timeSeries(this.preAggregation.partitionGranularity, dateRange, this.preAggregation.timestampPrecision)',
    );
    expect(loader).toContain(
      'this.compilerCacheFn = options.compilerCacheFn || ((subKey, cacheFn) => cacheFn());',
    );
    // The memo reproduces what normalizeQueryCacheMode does to its input.
    const query = source('@cubejs-backend/api-gateway/dist/src/query.js');
    expect(query).toMatch(
      /function normalizeQueryCacheMode\(query, cacheMode\) \{\s+if \(cacheMode !== undefined\) \{\s+query\.cacheMode = cacheMode;\s+\}\s+else if \(!query\.cache\) \{\s+query\.cacheMode = 'stale-if-slow';\s+\}\s+else \{\s+query\.cacheMode = query\.cache;\s+\}\s+query\.cache = undefined;\s+return query;\s+\}/,
    );
  });

  test('cache keys are hashed through the replaceable getCacheHash (cache-lookup-cost.ts)', () => {
    expect(orchestrator('QueryCache.js')).toContain(
      "return this.getKey('SQL_QUERY_RESULT', (0, utils_1.getCacheHash)(cacheKey));",
    );
    expect(orchestrator('BaseQueueDriver.js')).toContain(
      'return (0, utils_1.getCacheHash)(queryKey, this.processUid);',
    );
  });

  test('QueryCache still decides a request’s answer the way the check asks it (source-answer.ts)', () => {
    const queryCache = orchestrator('QueryCache.js');
    // The foreground branch: `renewQuery` with stale refresh keys allowed…
    expect(queryCache).toMatch(
      /if \(!this\.options\.backgroundRenew && queryBody\.cacheMode !== 'stale-while-revalidate'\) \{\s+const result = await this\.renewQuery\(query, values, cacheKeyQueries, expireSecs, cacheKey, renewalThreshold, \{[^}]*skipRefreshKeyWaitForRenew: true,/,
    );
    // …whose entry must carry the renewal key of those refresh key values, and be young enough.
    expect(queryCache).toMatch(
      /renewalKey: cacheKeyQueryResults && \[\s+cacheKeyQueries,\s+cacheKeyQueryResults,\s+this\.queryCacheKey\(\[query, values\]\),\s+\],/,
    );
    expect(queryCache).toContain('renewalThreshold: renewalThreshold || 6 * 60 * 60,');
    expect(queryCache).toContain(
      'switch (QueryCache.decideCacheAction(entry, renewedAgo, options, ctx.renewalKey))',
    );
  });

  test('every table listing Cube keeps comes from fetchTables, and a build refetches it (rollup-listing.ts)', () => {
    const listing = orchestrator('PreAggregationLoadCache.js');
    // The cached listing is written in fetchTables only, and the load-cache queue fetches it so.
    expect([...listing.matchAll(/getCacheDriver\(\)\.set\(/g)]).toHaveLength(1);
    expect(listing).toMatch(
      /async fetchTables\(preAggregation\) \{[\s\S]*?getCacheDriver\(\)\.set\(this\.tablesCachePrefixKey/,
    );
    expect(orchestrator('PreAggregations.js')).toContain(
      'return loadCache.fetchTables(preAggregation);',
    );
    // A successful answer reaches `res` once, without a status; errors always carry one.
    const gateway = source(gatewayFile);
    expect(gateway).toContain('await res(results[0]);');
    expect(gateway).toContain('await res(resultMulti);');
  });
});

describe('CUBE_COMPAT_OFF (cube/compat/switches.ts)', () => {
  test('names the speed patches to leave out; `all` leaves every one out; a typo is refused', () => {
    expect(compatPatchOn('env-cache', {})).toBe(true);
    const some = { CUBE_COMPAT_OFF: ' env-cache , date-parse-memo' };
    expect(compatPatchOn('env-cache', some)).toBe(false);
    expect(compatPatchOn('date-parse-memo', some)).toBe(false);
    expect(compatPatchOn('stack-traces', some)).toBe(true);
    expect(compatPatchOn('postgres-driver', { CUBE_COMPAT_OFF: 'all' })).toBe(false);
    expect(() => compatPatchOn('env-cache', { CUBE_COMPAT_OFF: 'env-cahce' })).toThrow(
      /env-cahce|Invalid/,
    );
  });
});

describe('patch failures (cube/compat/health.ts)', () => {
  test('are counted per patch and logged once per patch', () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const before = compatHealth().patchFailures['guard-test'] ?? 0;
      patchFailed('guard-test', new TypeError('Cube moved a member'));
      patchFailed('guard-test', new TypeError('again'));
      expect(compatHealth().patchFailures['guard-test']).toBe(before + 2);
      const lines = logged.mock.calls.map(([line]) => String(line));
      expect(lines.filter((line) => line.includes('guard-test'))).toHaveLength(before ? 0 : 1);
      expect(lines.join('\n')).toContain('Cube moved a member');
    } finally {
      logged.mockRestore();
    }
  });
});
