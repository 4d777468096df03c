/**
 * The parts of Express's request, response and app the gateway's guards touch. Express ships no
 * types here (Cube's own are `any`), so they are written out once for every guard module.
 */
import type { ApiGateway } from '../engine/cube-modules';

type Gateway = InstanceType<typeof ApiGateway>;
/** What Cube keeps per request (`req.context`): security context, request id, flags. */
export type RequestContext = Parameters<Gateway['cancelQuery']>[0]['context'];

export type HttpRequest = {
  context?: RequestContext;
  body?: unknown;
  query: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
};
export type HttpResponse = Parameters<Gateway['resToResultFn']>[0] & {
  headersSent: boolean;
  statusCode: number;
  set(headers: Record<string, string>): unknown;
  setHeader(name: string, value: string | number): unknown;
  end(body?: Buffer): unknown;
  status(code: number): { json(body: unknown): unknown };
};
export type Next = (error?: unknown) => void;
export type ExpressApp = {
  disable(setting: string): unknown;
  use(...handlers: unknown[]): unknown;
  get(path: string, ...handlers: unknown[]): unknown;
  post(path: string, ...handlers: unknown[]): unknown;
};
