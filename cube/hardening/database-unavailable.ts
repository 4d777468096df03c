/**
 * Postgres unreachable (stopped, restarting, the network gone) is an outage of the service, not a
 * mistake of the caller: Cube answers those orchestrator errors with a 400 and the raw driver
 * message. Recognised here, they become a 503 that names the cause, which clients and load
 * balancers read as "try again shortly".
 */

/** The driver's and the server's words for "the database is not there right now". */
const UNAVAILABLE = [
  /\bECONNREFUSED\b/,
  /\bECONNRESET\b/,
  /\bETIMEDOUT\b/,
  /\bEHOSTUNREACH\b/,
  /\bENOTFOUND\b/,
  /\bEAI_AGAIN\b/,
  /Connection terminated/i,
  /terminating connection due to administrator command/i,
  /the database system is (starting up|shutting down|in recovery mode|not yet accepting connections)/i,
  /timeout exceeded when trying to connect/i,
  /Client has encountered a connection error and is not queryable/i,
];

function errorText(error: unknown): string {
  if (typeof error === 'string') return error;
  if (error === null || typeof error !== 'object') return '';
  const { message, error: inner } = error as { message?: unknown; error?: unknown };
  const own = typeof message === 'string' ? message : '';
  return inner === undefined || inner === error ? own : `${own} ${errorText(inner)}`.trim();
}

/** The driver's message when `error` says the database is unreachable; null otherwise. */
export function databaseUnavailableCause(error: unknown): string | null {
  const text = errorText(error);
  if (!UNAVAILABLE.some((pattern) => pattern.test(text))) return null;
  return text.replace(/^Error:\s*/, '');
}

export function databaseUnavailableMessage(cause: string): string {
  return `The database is unavailable (${cause}); try again shortly.`;
}
