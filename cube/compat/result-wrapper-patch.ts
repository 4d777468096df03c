/**
 * PATCHES `@cubejs-backend/native` dist/js/ResultWrapper.js
 *   `ResultWrapper.prototype.getFinalResult` and `ResultMultiWrapper.prototype.getFinalResult`
 *   (replaced by the JS transform, cube/engine/result-transform.ts). Native-free engine only.
 * WHY: without the native module Cube cannot serialise a result at all; not a speed patch.
 * GAIN: none claimed; its output equals the native transform's (tests/engine/result-transform.test.ts).
 * OFF: only by running the stock engine (where `@cubejs-backend/native` loads, cube/server.ts).
 *   Guard: tests/compat/cube-compat.test.ts.
 */
import type { ResultMultiWrapper, ResultWrapper } from '@cubejs-backend/native';
import { finalQueryResult, finalQueryResultMulti } from '../engine/result-transform';

type Row = Record<string, unknown>;
type TransformData = Parameters<typeof finalQueryResult>[0];
type RootResult = Parameters<typeof finalQueryResult>[2];
type MultiRoot = Parameters<typeof finalQueryResultMulti>[2];

/** JSON bytes, as the native transform hands them to `res.send` and GraphQL's TextDecoder. */
const toBytes = (body: unknown): Buffer => Buffer.from(JSON.stringify(body));

/** The rows a wrapper holds: Cube's wrapper is a Proxy that iterates over the driver's rows. */
const rowsOf = (wrapper: ResultWrapper): Row[] => Array.from(wrapper as unknown as Iterable<Row>);

/**
 * Swaps the one native call of Cube's result wrappers (`getFinalResult`) for our JS transform.
 * Everything else about the wrappers (how the gateway fills them, which responses use them) stays
 * Cube's own, so REST `/load`, GraphQL and WebSocket subscriptions all get the same JSON.
 */
export function installJsResultTransform(
  Single: typeof ResultWrapper,
  Multi: typeof ResultMultiWrapper,
): void {
  Single.prototype.getFinalResult = async function getFinalResult(this: ResultWrapper) {
    const [transformData] = this.getTransformData() as [TransformData];
    const [root] = this.getRootResultObject() as [RootResult];
    return toBytes(finalQueryResult(transformData, rowsOf(this), root));
  };

  Multi.prototype.getFinalResult = async function getFinalResult(this: ResultMultiWrapper) {
    const results = this.getResults();
    const { queryType, slowQuery } = (this as unknown as { rootResultObject: MultiRoot })
      .rootResultObject;
    return toBytes(
      finalQueryResultMulti(this.getTransformData() as TransformData[], results.map(rowsOf), {
        queryType,
        slowQuery,
        results: this.getRootResultObject() as RootResult[],
      } as MultiRoot),
    );
  };
}
