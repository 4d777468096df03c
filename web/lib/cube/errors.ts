/**
 * The one error class for failed Cube requests, in the browser (web/lib/cube/client.ts) and in
 * Node (lib/cube-client.ts, whose subclasses say which way the request failed).
 */

/** A failed Cube request, with Cube's own error message; `status` is null when no HTTP answer came. */
export class CubeRequestError extends Error {
  readonly status: number | null;
  constructor(message: string, status: number | null) {
    super(message);
    this.name = 'CubeRequestError';
    this.status = status;
  }
}
