/** A Postgres error the SQL API sends to the client: an SQLSTATE and a message. */
export class SqlApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly position?: number,
  ) {
    super(message);
  }
}

/** SQLSTATEs the SQL API uses (Postgres appendix A). */
export const SQLSTATE = {
  syntaxError: '42601',
  undefinedTable: '42P01',
  undefinedColumn: '42703',
  groupingError: '42803',
  datatypeMismatch: '42804',
  featureNotSupported: '0A000',
  invalidParameterValue: '22023',
  invalidDatetimeFormat: '22007',
  invalidPassword: '28P01',
  invalidAuthorization: '28000',
  insufficientPrivilege: '42501',
  protocolViolation: '08P01',
  programLimitExceeded: '54000',
  readOnlyTransaction: '25006',
  inFailedTransaction: '25P02',
  queryCanceled: '57014',
  invalidSqlStatementName: '26000',
  invalidCursorName: '34000',
  dataException: '22000',
  internalError: 'XX000',
  tooManyConnections: '53300',
} as const;

export const unsupported = (what: string): SqlApiError =>
  new SqlApiError(SQLSTATE.featureNotSupported, `${what} is not supported by the SQL API`);
