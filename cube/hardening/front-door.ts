/**
 * The HTTP server's own request listener, in front of Cube's Express app: a `GET /load` whose
 * answer the result fast path keeps, asked by a caller whose token was verified before, is
 * answered here without Express running at all (its router, query parser, CORS, body parser and
 * Cube's middlewares cost more than the lookup: bench/results/history.md, "Kept answers ahead of
 * Cube's middlewares"). Everything else, and every request this cannot answer, goes to Express as
 * if this listener were not there.
 *
 * The request must read exactly as Express would hand it to Cube's route: its query string is
 * decoded like `qs` (Express's default parser) decodes it, and anything `qs` would read
 * differently (nested or repeated keys, malformed escapes, too many parameters) goes to Express.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';

/** The parameters of Cube's `GET /load` route, as its handler reads them from `req.query`. */
export type LoadParams = { query: string; queryType?: string; cache?: string };

const LOAD_PARAMS = new Set(['query', 'queryType', 'cache']);
/** `qs`'s default `parameterLimit`: beyond it `qs` drops parameters. */
const QS_PARAMETER_LIMIT = 1000;
const MALFORMED_ESCAPE = /%(?![0-9a-fA-F]{2})/;

/** `qs`'s decoder (`+` is a space), or undefined where `qs` would keep the raw text instead. */
function decodeLikeQs(text: string): string | undefined {
  if (MALFORMED_ESCAPE.test(text)) return undefined;
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

/**
 * The `/load` parameters of a query string when `qs` reads them as plain strings and nothing
 * else in it could change what Cube's route sees; otherwise undefined.
 */
export function loadParamsOf(search: string): LoadParams | undefined {
  const parts = search === '' ? [] : search.split('&');
  if (parts.length > QS_PARAMETER_LIMIT) return undefined;
  const found: Record<string, string> = {};
  for (const part of parts) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = decodeLikeQs(eq < 0 ? part : part.slice(0, eq));
    const value = eq < 0 ? '' : decodeLikeQs(part.slice(eq + 1));
    // `qs` nests `a[b]` and `a[]` keys (and may merge them into a plain `a`).
    if (key === undefined || value === undefined || /[[\]]/.test(key)) return undefined;
    if (!LOAD_PARAMS.has(key)) continue;
    if (Object.hasOwn(found, key)) return undefined;
    found[key] = value;
  }
  const { query, queryType, cache } = found;
  return query === undefined ? undefined : { query, queryType, cache };
}

/** Answers `res` with a kept answer when there is one; true when it did. */
export type KeptAnswerServer = (
  req: IncomingMessage,
  res: ServerResponse,
  params: LoadParams,
) => Promise<boolean>;

/**
 * A request listener answering `GET <loadPath>?…` from `serve` when it can, and handing every
 * other request (and every one `serve` declines or fails) to `app`.
 */
export function frontDoor(
  loadPath: string,
  serve: KeptAnswerServer,
  app: RequestListener,
): RequestListener {
  return (req, res) => {
    const url = req.url ?? '';
    const queryAt = url.indexOf('?');
    const params =
      req.method === 'GET' && queryAt >= 0 && url.slice(0, queryAt) === loadPath
        ? loadParamsOf(url.slice(queryAt + 1))
        : undefined;
    if (!params) {
      app(req, res);
      return;
    }
    serve(req, res, params).then(
      (served) => {
        if (!served) app(req, res);
      },
      () => {
        if (!res.headersSent) app(req, res);
      },
    );
  };
}
