/**
 * The security checks the gateway (cube/compat/gateway.ts) adds to Cube's HTTP API: response
 * headers, a JSON nesting bound, body shapes for the routes whose Cube handlers read their body
 * unchecked, body-parser errors as JSON 4xx, and which members the model hides. Plain functions
 * and schemas: the gateway's overrides call them.
 */
import { z } from 'zod';
import { LIMITS } from '../limits';
import type { HttpRequest } from './express';
import { type HiddenMembers, jsonDepth, jsonTextDepth } from './query-guard';

/** Headers for Cube's JSON API: nothing in it is a page to render, frame or sniff. */
export const API_SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
};

/**
 * Why a request's JSON (its parsed body, or its `query` parameter's text) nests past
 * `maxRequestJsonDepth`, or null when it does not. Iterative, so it cannot overflow itself.
 */
export function tooDeep(req: HttpRequest): string | null {
  const bound = LIMITS.maxRequestJsonDepth;
  if (jsonDepth(req.body, bound) > bound)
    return `the request body nests deeper than ${bound} levels`;
  const query = req.query.query;
  if (typeof query === 'string' && jsonTextDepth(query, bound) > bound) {
    return `the query parameter nests deeper than ${bound} levels`;
  }
  return null;
}

/**
 * What `POST /v1/pre-aggregations/can-use` reads of its body (Cube's Rollup Designer sends a
 * query as Cube transformed it, and a rollup's references): Cube's handler reads these without
 * checking any, so anything else failed inside it as a 500.
 */
const members = z.array(z.string());
const timeDimensionPairs = z.array(z.tuple([z.string(), z.string().nullable()]));
export const canUseBodySchema = z.object({
  transformedQuery: z
    .object({
      measures: members,
      leafMeasures: members,
      sortedDimensions: members,
      timeDimensions: timeDimensionPairs,
      sortedTimeDimensions: timeDimensionPairs,
      allBackAliasMembers: z.record(z.string(), z.string()),
      granularityHierarchies: z.record(z.string(), z.array(z.string())),
    })
    .loose(),
  references: z
    .object({
      measures: members,
      dimensions: members,
      timeDimensions: z.array(
        z.object({ dimension: z.string(), granularity: z.string().nullable().optional() }).loose(),
      ),
    })
    .loose(),
});

/** `POST /v1/convert-query`: Cube answers anything but this shape with a 500. */
export const convertQueryBodySchema = z.object({
  input: z.literal('sql'),
  output: z.literal('rest'),
  query: z.string().trim().min(1),
});

export type HttpError = { status?: unknown; type?: unknown; message?: unknown };

/** body-parser's errors (oversize, malformed JSON) as Cube-style JSON instead of an HTML page. */
export function jsonErrorMessage(error: HttpError): { status: number; error: string } {
  const status =
    typeof error.status === 'number' && error.status >= 400 && error.status < 500
      ? error.status
      : 500;
  if (error.type === 'entity.too.large') {
    return {
      status: 413,
      error: `Request body is larger than ${LIMITS.maxBodyBytes / 1024} KB (see the Limits section of the README)`,
    };
  }
  if (error.type === 'entity.parse.failed') {
    return { status: 400, error: `Request body is not valid JSON: ${String(error.message)}` };
  }
  return { status, error: status < 500 ? String(error.message) : 'Internal Server Error' };
}

// What the guards read of Cube's compiled meta (`CompilerApi.metaConfig`).
const metaMember = z.object({ name: z.string(), public: z.boolean().optional() }).loose();
const metaCubes = z.array(
  z
    .object({
      config: z
        .object({
          name: z.string(),
          public: z.boolean().optional(),
          measures: z.array(metaMember).default([]),
          dimensions: z.array(metaMember).default([]),
          segments: z.array(metaMember).default([]),
        })
        .loose(),
    })
    .loose(),
);

/** The cubes and members the model marks `public: false`, from Cube's compiled meta. */
export function hiddenIn(cubes: unknown): HiddenMembers {
  const hidden = { cubes: new Set<string>(), members: new Set<string>() };
  for (const { config } of metaCubes.parse(cubes)) {
    if (config.public === false) hidden.cubes.add(config.name);
    for (const member of [...config.measures, ...config.dimensions, ...config.segments]) {
      if (member.public === false) hidden.members.add(member.name);
    }
  }
  return hidden;
}
