/**
 * Cube's packages are CommonJS and re-export through `__exportStar`, which Node's ESM named-import
 * detection cannot see; load them with `require` and keep their published types.
 */
import { createRequire } from 'node:module';
import type * as ApiGatewayModule from '@cubejs-backend/api-gateway';
import type * as NativeModule from '@cubejs-backend/native';
import type * as QueryOrchestratorModule from '@cubejs-backend/query-orchestrator';
import type * as SchemaCompilerModule from '@cubejs-backend/schema-compiler';
import type * as ServerModule from '@cubejs-backend/server';
import type * as ServerCoreModule from '@cubejs-backend/server-core';

const require = createRequire(import.meta.url);

export const { ApiGateway } = require('@cubejs-backend/api-gateway') as typeof ApiGatewayModule;
export const { NativeInstance, ResultWrapper, ResultMultiWrapper, loadNative } =
  require('@cubejs-backend/native') as typeof NativeModule;
export const { CubejsServer } = require('@cubejs-backend/server') as typeof ServerModule;
export const { CompilerApi, CubejsServerCore } =
  require('@cubejs-backend/server-core') as typeof ServerCoreModule;
export const { UserError: GatewayUserError } =
  require('@cubejs-backend/api-gateway') as typeof ApiGatewayModule;
export const {
  PostgresQuery,
  PreAggregations,
  UserError: CompilerUserError,
} = require('@cubejs-backend/schema-compiler') as typeof SchemaCompilerModule;
export const {
  PreAggregationLoadCache,
  PreAggregationPartitionRangeLoader,
  QueryCache,
  QueryOrchestrator,
} = require('@cubejs-backend/query-orchestrator') as typeof QueryOrchestratorModule;
