/**
 * Contract tests: the recorded `/load` responses parse with the strict schemas (a shape change
 * in Cube breaks a test, not a chart), ask only for members the model has, and every row key is
 * one Cube annotated. members.generated.ts itself is held against Cube's /meta by
 * tests/engine/members-generated.test.ts, and the queries' member names by tsc.
 */
import { describe, expect, test } from 'vitest';
import { cubeMembers } from '../../web/lib/cube/members.generated';
import {
  loadResponseStrictSchema,
  loadResultStrictSchema,
  toMultiResponse,
} from '../../web/lib/cube/response';
import { fixtureNames, readFixture } from './helpers/cubeFixtures';

describe('recorded Cube /load responses', () => {
  test.each(fixtureNames())('%s matches Cube’s documented response shape', (name) => {
    const body = readFixture(name);
    const isMulti = typeof body === 'object' && body !== null && 'results' in body;
    const parsed = (isMulti ? loadResponseStrictSchema : loadResultStrictSchema).safeParse(body);
    expect(parsed.success, parsed.error?.message).toBe(true);
    const multi = toMultiResponse(body);
    for (const result of multi.results) {
      const requested = [
        ...((result.query.measures as string[] | undefined) ?? []),
        ...((result.query.dimensions as string[] | undefined) ?? []),
      ];
      for (const member of requested) {
        expect(Object.keys(cubeMembers), `${name}: ${member} is a generated member`).toContain(
          member,
        );
      }
      const annotated = [
        ...Object.keys(result.annotation.measures),
        ...Object.keys(result.annotation.dimensions),
        ...Object.keys(result.annotation.timeDimensions),
      ];
      for (const row of result.data) {
        for (const key of Object.keys(row)) {
          if (key === 'compareDateRange') continue;
          expect(annotated, `${name}: row key ${key} is annotated`).toContain(key);
        }
      }
    }
  });
});
