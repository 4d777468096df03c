/**
 * One client connection: startup and SCRAM authentication, then the simple and extended query
 * protocols (named and unnamed statements and portals, parameters, Describe, partial Execute),
 * session settings, transaction status and cancellation.
 */
import { randomInt } from 'node:crypto';
import type { Socket } from 'node:net';
import { SQLSTATE, SqlApiError } from './errors';
import {
  BodyReader,
  backend,
  CANCEL_REQUEST,
  type Field,
  type FrontendMessage,
  GSSENC_REQUEST,
  MessageReader,
  MessageTooLargeError,
  PG_TYPES,
  PROTOCOL_V3,
  SSL_REQUEST,
} from './protocol';
import { SCRAM_MECHANISM, ScramExchange, type ScramVerifier } from './scram';
import { type ParsedStatement, type Plan, parseStatements, planStatement } from './statements';
import type { ParamValue } from './translate';
import { binaryParamToText, textToBinary } from './values';
import type { ViewTable } from './views';

/** A statement's answer: its columns (null: no result set), rows in text format, command tag. */
export type StatementResult = {
  fields: Field[] | null;
  rows: Array<Array<string | null>>;
  command: string;
};

export type SessionSettings = Map<string, string>;

/** What a session needs from the server: auth, the views, and the two ways to answer a query. */
export type SessionBackend = {
  user: string;
  /** A second login that may run queries as other users (`__user`), when configured. */
  superUser?: string;
  verifier: ScramVerifier;
  maxMessageBytes: number;
  serverVersion: string;
  views(): Promise<Map<string, ViewTable>>;
  runCube(
    plan: Extract<Plan, { kind: 'cube' }>,
    params: ParamValue[],
    settings: SessionSettings,
    signal: AbortSignal,
    login: string,
  ): Promise<StatementResult>;
  describeCube(
    plan: Extract<Plan, { kind: 'cube' }>,
    paramCount: number,
    settings: SessionSettings,
  ): Promise<Field[]>;
  runCatalog(sql: string, params: ParamValue[], signal: AbortSignal): Promise<StatementResult>;
  describeCatalog(sql: string, paramCount: number): Promise<Field[]>;
  showSetting(name: string): Promise<StatementResult>;
  register(session: Session): void;
  unregister(session: Session): void;
  cancel(pid: number, secret: number): void;
};

type Prepared = { statement: ParsedStatement | null; paramOids: number[] };
type Portal = {
  prepared: Prepared;
  params: ParamValue[];
  resultFormats: number[];
  result?: StatementResult;
  sent: number;
};

/** Settings reported to the client after login (ParameterStatus); psycopg2 needs client_encoding. */
const REPORTED = [
  'server_version',
  'server_encoding',
  'client_encoding',
  'application_name',
  'DateStyle',
  'IntervalStyle',
  'TimeZone',
  'integer_datetimes',
  'standard_conforming_strings',
  'is_superuser',
  'session_authorization',
  'default_transaction_read_only',
];

/** Messages after which output is written even if more are queued: Query, Sync, Flush. */
const FLUSH_AFTER = new Set(['Q', 'S', 'H']);

const UTF8_NAMES = new Set(['utf8', 'utf-8', 'unicode']);

function validateSetting(name: string, value: string): string {
  if (name === 'client_encoding') {
    if (!UTF8_NAMES.has(value.toLowerCase().replaceAll("'", ''))) {
      throw new SqlApiError(
        SQLSTATE.featureNotSupported,
        `client_encoding ${value} is not supported: the SQL API speaks UTF8`,
      );
    }
    return 'UTF8';
  }
  if (name === 'timezone') {
    const zone = value === 'local' || value === 'localtime' ? 'UTC' : value;
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
    } catch {
      throw new SqlApiError(
        SQLSTATE.invalidParameterValue,
        `invalid value for parameter "TimeZone": "${value}"`,
      );
    }
    return zone;
  }
  if (name === 'datestyle' && !/iso/i.test(value)) {
    throw new SqlApiError(
      SQLSTATE.featureNotSupported,
      'only ISO DateStyle is supported by the SQL API',
    );
  }
  return value;
}

const CANONICAL: Record<string, string> = {
  datestyle: 'DateStyle',
  timezone: 'TimeZone',
  intervalstyle: 'IntervalStyle',
};

export class Session {
  readonly pid = randomInt(1, 2 ** 31 - 1);
  readonly secret = randomInt(1, 2 ** 31 - 1);
  private readonly reader: MessageReader;
  private state: 'startup' | 'auth' | 'ready' | 'closed' = 'startup';
  private scram?: ScramExchange;
  private user = '';
  private transaction: 'I' | 'T' | 'E' = 'I';
  private skipUntilSync = false;
  private readonly defaults: SessionSettings;
  readonly settings: SessionSettings;
  private readonly statements = new Map<string, Prepared>();
  private readonly portals = new Map<string, Portal>();
  private queue: Promise<void> = Promise.resolve();
  /** Messages received and not yet handled: output is flushed when this reaches 0. */
  private pending = 0;
  /** Output not yet written: one write per exchange, not one per message (see `send`). */
  private output: Buffer[] = [];
  private outputBytes = 0;
  private running?: AbortController;

  constructor(
    private readonly socket: Socket,
    private readonly server: SessionBackend,
  ) {
    this.reader = new MessageReader(server.maxMessageBytes);
    this.defaults = new Map([
      ['server_version', server.serverVersion],
      ['server_encoding', 'UTF8'],
      ['client_encoding', 'UTF8'],
      ['application_name', ''],
      ['DateStyle', 'ISO, MDY'],
      ['IntervalStyle', 'postgres'],
      ['TimeZone', 'UTC'],
      ['integer_datetimes', 'on'],
      ['standard_conforming_strings', 'on'],
      ['is_superuser', 'off'],
      ['default_transaction_read_only', 'on'],
      ['transaction_read_only', 'on'],
    ]);
    this.settings = new Map(this.defaults);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => this.close());
    socket.on('close', () => this.close());
  }

  close(): void {
    if (this.state === 'closed') return;
    this.flush();
    this.state = 'closed';
    this.running?.abort();
    this.server.unregister(this);
    this.socket.destroy();
  }

  /** A cancel request for this session (psql's Ctrl-C): the running statement fails with 57014. */
  cancel(): void {
    this.running?.abort();
  }

  /**
   * Queues messages; they go out in one socket write when every message received so far has been
   * handled (or 64 kB are waiting). Each write on a loopback socket is a syscall that also wakes the
   * client, and a simple query answers with at least four messages: writing them one by one cost
   * more than a millisecond per query on a loaded machine (measured with --cpu-prof).
   */
  private send(...messages: Buffer[]): void {
    if (this.state === 'closed' || this.socket.destroyed) return;
    for (const message of messages) {
      this.output.push(message);
      this.outputBytes += message.length;
    }
    if (this.outputBytes >= 64 * 1024) this.flush();
  }

  private flush(): void {
    if (this.output.length === 0) return;
    const chunk =
      this.output.length === 1 ? (this.output[0] as Buffer) : Buffer.concat(this.output);
    this.output = [];
    this.outputBytes = 0;
    if (this.state !== 'closed' && !this.socket.destroyed) this.socket.write(chunk);
  }

  private sendError(error: unknown): void {
    const known = error instanceof SqlApiError ? error : undefined;
    this.send(
      backend.errorResponse({
        severity: known?.code === SQLSTATE.invalidPassword ? 'FATAL' : 'ERROR',
        code: known?.code ?? SQLSTATE.internalError,
        message: known?.message ?? (error instanceof Error ? error.message : String(error)),
        position: known?.position,
      }),
    );
  }

  private onData(chunk: Buffer): void {
    this.reader.push(chunk);
    for (;;) {
      let message: FrontendMessage | null;
      try {
        message = this.reader.next();
      } catch (error) {
        const limit = error instanceof MessageTooLargeError;
        this.sendError(
          new SqlApiError(
            limit ? SQLSTATE.programLimitExceeded : SQLSTATE.protocolViolation,
            (error as Error).message,
          ),
        );
        this.close();
        return;
      }
      if (!message) return;
      const current = message;
      if (this.state === 'startup') this.reader.expectStartup = false;
      this.pending++;
      this.queue = this.queue
        .then(() => this.handle(current))
        .catch((error: unknown) => {
          this.sendError(error);
          this.close();
        })
        .finally(() => {
          // Like Postgres: out at ReadyForQuery (after Q and Sync) and Flush, so a pipelining
          // client gets each answer without waiting for the next one's; and whenever idle.
          if (--this.pending === 0 || FLUSH_AFTER.has(current.type)) this.flush();
        });
    }
  }

  private async handle(message: FrontendMessage): Promise<void> {
    if (this.state === 'closed') return;
    if (this.state === 'startup') return this.startup(message.body);
    if (this.state === 'auth') return this.authenticate(message);
    if (this.skipUntilSync && message.type !== 'S' && message.type !== 'X') return;
    try {
      switch (message.type) {
        case 'Q':
          return await this.simpleQuery(new BodyReader(message.body).cstring());
        case 'P':
          return await this.parse(new BodyReader(message.body));
        case 'B':
          return this.bind(new BodyReader(message.body));
        case 'D':
          return await this.describe(new BodyReader(message.body));
        case 'E':
          return await this.execute(new BodyReader(message.body));
        case 'C':
          return this.closeObject(new BodyReader(message.body));
        case 'S':
          this.skipUntilSync = false;
          // Outside a transaction block, portals end with the implicit transaction at Sync.
          if (this.transaction === 'I') this.portals.clear();
          this.send(backend.readyForQuery(this.transaction));
          return;
        case 'H':
          return;
        case 'X':
          this.close();
          return;
        default:
          throw new SqlApiError(
            SQLSTATE.protocolViolation,
            `unsupported frontend message type "${message.type}"`,
          );
      }
    } catch (error) {
      this.sendError(error);
      if (this.transaction === 'T') this.transaction = 'E';
      if (message.type !== 'Q') this.skipUntilSync = true;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Startup and authentication
  // ---------------------------------------------------------------------------------------------

  private startup(body: Buffer): void {
    const reader = new BodyReader(body);
    const code = reader.int32();
    if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
      // No TLS on the loopback SQL API: 'N' tells the client to go on in plain text.
      this.send(Buffer.from('N'));
      this.reader.expectStartup = true;
      return;
    }
    if (code === CANCEL_REQUEST) {
      this.server.cancel(reader.int32(), reader.int32());
      this.close();
      return;
    }
    if (code !== PROTOCOL_V3) {
      throw new SqlApiError(
        SQLSTATE.protocolViolation,
        `unsupported frontend protocol ${code >> 16}.${code & 0xffff}`,
      );
    }
    const params = new Map<string, string>();
    for (;;) {
      const key = reader.cstring();
      if (key === '') break;
      params.set(key, reader.cstring());
    }
    this.user = params.get('user') ?? '';
    for (const [key, value] of params) {
      if (key === 'user' || key === 'database' || key === 'options' || key === 'replication')
        continue;
      try {
        const name = key.toLowerCase();
        this.settings.set(CANONICAL[name] ?? name, validateSetting(name, value));
      } catch {
        // A startup setting the SQL API cannot honour keeps its default, as an unknown GUC would.
      }
    }
    this.state = 'auth';
    this.scram = new ScramExchange(this.server.verifier);
    this.send(backend.authenticationSasl([SCRAM_MECHANISM]));
  }

  private failAuth(): never {
    throw new SqlApiError(
      SQLSTATE.invalidPassword,
      `password authentication failed for user "${this.user}"`,
    );
  }

  private authenticate(message: FrontendMessage): void {
    if (message.type !== 'p' || !this.scram) {
      throw new SqlApiError(SQLSTATE.protocolViolation, 'expected SASL response');
    }
    const reader = new BodyReader(message.body);
    if (!this.clientFirstSeen) {
      const mechanism = reader.cstring();
      if (mechanism !== SCRAM_MECHANISM) this.failAuth();
      const length = reader.int32();
      const first = reader.bytes(length).toString('utf8');
      this.clientFirstSeen = true;
      this.send(backend.authenticationSaslContinue(this.scram.first(first)));
      return;
    }
    const final = this.scram.final(reader.rest().toString('utf8'));
    // The proof is checked before the user name so a wrong user and a wrong password look alike.
    const known = this.user === this.server.user || this.user === this.server.superUser;
    if (final === null || !known) this.failAuth();
    this.state = 'ready';
    this.server.register(this);
    this.send(
      backend.authenticationSaslFinal(final),
      backend.authenticationOk(),
      ...REPORTED.map((name) => backend.parameterStatus(name, this.setting(name) ?? '')),
      backend.backendKeyData(this.pid, this.secret),
      backend.readyForQuery('I'),
    );
  }
  private clientFirstSeen = false;

  private setting(name: string): string | undefined {
    if (name === 'session_authorization') return this.user;
    return (
      this.settings.get(name) ??
      this.settings.get(CANONICAL[name.toLowerCase()] ?? name.toLowerCase())
    );
  }

  // ---------------------------------------------------------------------------------------------
  // Statements
  // ---------------------------------------------------------------------------------------------

  private async run(statement: ParsedStatement, params: ParamValue[]): Promise<StatementResult> {
    const plan = planStatement(statement, await this.server.views());
    const endsTransaction =
      plan.kind === 'transaction' && (plan.action === 'commit' || plan.action === 'rollback');
    if (this.transaction === 'E' && !endsTransaction) {
      throw new SqlApiError(
        SQLSTATE.inFailedTransaction,
        'current transaction is aborted, commands ignored until end of transaction block',
      );
    }
    switch (plan.kind) {
      case 'cube':
      case 'catalog': {
        this.running = new AbortController();
        const { signal } = this.running;
        try {
          return plan.kind === 'cube'
            ? await this.server.runCube(plan, params, this.settings, signal, this.user)
            : await this.server.runCatalog(plan.sql, params, signal);
        } finally {
          this.running = undefined;
        }
      }
      case 'show': {
        const name = plan.name === 'time zone' ? 'timezone' : plan.name;
        const value = this.setting(name);
        if (value === undefined) return this.server.showSetting(name);
        return { fields: [{ name, ...PG_TYPES.text }], rows: [[value]], command: 'SHOW' };
      }
      case 'set': {
        const name = CANONICAL[plan.name] ?? plan.name;
        const value =
          plan.value === null ? this.defaults.get(name) : validateSetting(plan.name, plan.value);
        if (value === undefined) this.settings.delete(name);
        else this.settings.set(name, value);
        if (REPORTED.includes(name) && value !== undefined)
          this.send(backend.parameterStatus(name, value));
        return { fields: null, rows: [], command: plan.value === null ? 'RESET' : 'SET' };
      }
      case 'reset-all':
        for (const [name, value] of this.defaults) this.settings.set(name, value);
        return { fields: null, rows: [], command: 'RESET' };
      case 'transaction': {
        if (plan.action === 'begin') this.transaction = 'T';
        if (plan.action === 'commit' || plan.action === 'rollback') {
          const failed = this.transaction === 'E';
          this.transaction = 'I';
          return { fields: null, rows: [], command: failed ? 'ROLLBACK' : plan.tag };
        }
        return { fields: null, rows: [], command: plan.tag };
      }
      case 'deallocate':
        if (plan.name === null) this.statements.clear();
        else this.statements.delete(plan.name);
        return {
          fields: null,
          rows: [],
          command: plan.name === null ? 'DEALLOCATE ALL' : 'DEALLOCATE',
        };
      case 'noop':
        return { fields: null, rows: [], command: plan.tag };
    }
  }

  private async describeStatement(statement: ParsedStatement): Promise<Field[] | null> {
    const plan = planStatement(statement, await this.server.views());
    if (plan.kind === 'cube')
      return this.server.describeCube(plan, statement.paramCount, this.settings);
    if (plan.kind === 'catalog') return this.server.describeCatalog(plan.sql, statement.paramCount);
    if (plan.kind === 'show') return [{ name: plan.name, ...PG_TYPES.text }];
    return null;
  }

  private sendRows(result: StatementResult, formats: number[], from: number, to: number): void {
    const fields = result.fields ?? [];
    const out: Buffer[] = [];
    for (let i = from; i < to; i++) {
      const row = result.rows[i] ?? [];
      out.push(
        backend.dataRow(
          row.map((value, column) => {
            if (value === null) return null;
            const format = formats.length === 1 ? formats[0] : formats[column];
            return format === 1
              ? textToBinary(value, fields[column]?.typeOid ?? 25)
              : Buffer.from(value, 'utf8');
          }),
        ),
      );
      if (out.length >= 256) this.send(...out.splice(0));
    }
    if (out.length > 0) this.send(...out);
  }

  private async simpleQuery(sql: string): Promise<void> {
    try {
      const statements = parseStatements(sql);
      if (statements.length === 0) this.send(backend.emptyQueryResponse());
      for (const statement of statements) {
        const result = await this.run(statement, []);
        if (result.fields) this.send(backend.rowDescription(result.fields));
        this.sendRows(result, [], 0, result.rows.length);
        this.send(backend.commandComplete(result.command));
      }
    } catch (error) {
      this.sendError(error);
      if (this.transaction === 'T') this.transaction = 'E';
    }
    this.send(backend.readyForQuery(this.transaction));
  }

  private async parse(reader: BodyReader): Promise<void> {
    const name = reader.cstring();
    const sql = reader.cstring();
    const count = reader.int16();
    const paramOids = Array.from({ length: count }, () => reader.int32());
    if (name !== '' && this.statements.has(name)) {
      throw new SqlApiError('42P05', `prepared statement "${name}" already exists`);
    }
    const statements = parseStatements(sql);
    if (statements.length > 1) {
      throw new SqlApiError(
        SQLSTATE.syntaxError,
        'cannot insert multiple commands into a prepared statement',
      );
    }
    const statement = statements[0] ?? null;
    if (statement) planStatement(statement, await this.server.views());
    this.statements.set(name, { statement, paramOids });
    this.send(backend.parseComplete());
  }

  private bind(reader: BodyReader): void {
    const portalName = reader.cstring();
    const statementName = reader.cstring();
    const prepared = this.statements.get(statementName);
    if (!prepared) {
      throw new SqlApiError(
        SQLSTATE.invalidSqlStatementName,
        `prepared statement "${statementName}" does not exist`,
      );
    }
    const formats = Array.from({ length: reader.int16() }, () => reader.int16());
    const count = reader.int16();
    const params: ParamValue[] = [];
    for (let i = 0; i < count; i++) {
      const length = reader.int32();
      if (length < 0) {
        params.push(null);
        continue;
      }
      const bytes = reader.bytes(length);
      const format = formats.length === 1 ? formats[0] : formats[i];
      params.push(
        format === 1
          ? binaryParamToText(bytes, prepared.paramOids[i] ?? 0)
          : bytes.toString('utf8'),
      );
    }
    const resultFormats = Array.from({ length: reader.int16() }, () => reader.int16());
    if (portalName !== '' && this.portals.has(portalName)) {
      throw new SqlApiError('42P03', `cursor "${portalName}" already exists`);
    }
    this.portals.set(portalName, { prepared, params, resultFormats, sent: 0 });
    this.send(backend.bindComplete());
  }

  private async describe(reader: BodyReader): Promise<void> {
    const kind = reader.byte();
    const name = reader.cstring();
    if (kind === 'S') {
      const prepared = this.statements.get(name);
      if (!prepared) {
        throw new SqlApiError(
          SQLSTATE.invalidSqlStatementName,
          `prepared statement "${name}" does not exist`,
        );
      }
      const count = Math.max(prepared.statement?.paramCount ?? 0, prepared.paramOids.length);
      const oids = Array.from(
        { length: count },
        (_, i) => prepared.paramOids[i] || PG_TYPES.text.typeOid,
      );
      const fields = prepared.statement ? await this.describeStatement(prepared.statement) : null;
      this.send(
        backend.parameterDescription(oids),
        fields ? backend.rowDescription(fields) : backend.noData(),
      );
      return;
    }
    const portal = this.portals.get(name);
    if (!portal)
      throw new SqlApiError(SQLSTATE.invalidCursorName, `portal "${name}" does not exist`);
    // Describing a portal runs it: the answer (and so its columns) is kept for Execute.
    portal.result ??= portal.prepared.statement
      ? await this.run(portal.prepared.statement, portal.params)
      : { fields: null, rows: [], command: '' };
    const fields = portal.result.fields;
    this.send(fields ? backend.rowDescription(fields, portal.resultFormats) : backend.noData());
  }

  private async execute(reader: BodyReader): Promise<void> {
    const name = reader.cstring();
    const maxRows = reader.int32();
    const portal = this.portals.get(name);
    if (!portal)
      throw new SqlApiError(SQLSTATE.invalidCursorName, `portal "${name}" does not exist`);
    if (!portal.prepared.statement) {
      this.send(backend.emptyQueryResponse());
      return;
    }
    portal.result ??= await this.run(portal.prepared.statement, portal.params);
    const { result } = portal;
    const end =
      maxRows > 0 ? Math.min(result.rows.length, portal.sent + maxRows) : result.rows.length;
    this.sendRows(result, portal.resultFormats, portal.sent, end);
    portal.sent = end;
    if (end < result.rows.length) this.send(backend.portalSuspended());
    else this.send(backend.commandComplete(result.command));
  }

  private closeObject(reader: BodyReader): void {
    const kind = reader.byte();
    const name = reader.cstring();
    if (kind === 'S') this.statements.delete(name);
    else this.portals.delete(name);
    this.send(backend.closeComplete());
  }
}
