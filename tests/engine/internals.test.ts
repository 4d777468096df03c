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
  ResultMultiWrapper,
  ResultWrapper,
} from '../../cube/engine/cube-modules';
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
      ['createApiGatewayInstance', 'createCompilerApi', 'createCompilerApiOptions', 'apiGateway'],
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
});
