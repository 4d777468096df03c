/**
 * The server side of the PostgreSQL v3 wire protocol: framing of what clients send and encoding of
 * what the backend answers (https://www.postgresql.org/docs/current/protocol-message-formats.html).
 * `pg-protocol` only implements the client side, so the server side is this small module.
 */

export const PROTOCOL_V3 = 196608;
export const SSL_REQUEST = 80877103;
export const GSSENC_REQUEST = 80877104;
export const CANCEL_REQUEST = 80877102;

/** A typed frontend message: its type byte and its body (without the length word). */
export type FrontendMessage = { type: string; body: Buffer };

export class MessageTooLargeError extends Error {
  constructor(
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(`message of ${bytes} bytes exceeds the SQL API's limit of ${limit} bytes`);
  }
}

/**
 * Splits the byte stream into messages. The first message of a connection has no type byte
 * (startup, SSL or cancel request); `expectStartup` says which framing comes next.
 */
export class MessageReader {
  private buffer: Buffer = Buffer.alloc(0);
  expectStartup = true;

  constructor(private readonly maxBytes: number) {}

  push(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
  }

  /** The next complete message, or null until more bytes arrive. */
  next(): FrontendMessage | null {
    const headerBytes = this.expectStartup ? 4 : 5;
    if (this.buffer.length < headerBytes) return null;
    const length = this.buffer.readInt32BE(headerBytes - 4);
    if (length < 4 || length > this.maxBytes) throw new MessageTooLargeError(length, this.maxBytes);
    const total = headerBytes - 4 + length;
    if (this.buffer.length < total) return null;
    const type = this.expectStartup ? '' : String.fromCharCode(this.buffer[0] ?? 0);
    const body = this.buffer.subarray(headerBytes, total);
    this.buffer = this.buffer.subarray(total);
    return { type, body };
  }
}

/** Reads the fields of a message body in order. */
export class BodyReader {
  private offset = 0;
  constructor(private readonly body: Buffer) {}

  int32(): number {
    const value = this.body.readInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  int16(): number {
    const value = this.body.readInt16BE(this.offset);
    this.offset += 2;
    return value;
  }

  byte(): string {
    return String.fromCharCode(this.body[this.offset++] ?? 0);
  }

  cstring(): string {
    const end = this.body.indexOf(0, this.offset);
    if (end < 0) throw new Error('malformed message: unterminated string');
    const value = this.body.toString('utf8', this.offset, end);
    this.offset = end + 1;
    return value;
  }

  bytes(length: number): Buffer {
    const value = this.body.subarray(this.offset, this.offset + length);
    if (value.length !== length) throw new Error('malformed message: truncated');
    this.offset += length;
    return value;
  }

  rest(): Buffer {
    return this.body.subarray(this.offset);
  }
}

/** Builds one backend message: type byte, length, then the fields. */
class MessageWriter {
  private parts: Buffer[] = [];
  private size = 0;
  constructor(private readonly type: string) {}

  private add(part: Buffer): this {
    this.parts.push(part);
    this.size += part.length;
    return this;
  }

  int32(value: number): this {
    const part = Buffer.alloc(4);
    part.writeInt32BE(value);
    return this.add(part);
  }

  int16(value: number): this {
    const part = Buffer.alloc(2);
    part.writeInt16BE(value);
    return this.add(part);
  }

  cstring(value: string): this {
    return this.add(Buffer.from(`${value}\0`, 'utf8'));
  }

  raw(value: Buffer): this {
    return this.add(value);
  }

  done(): Buffer {
    const header = Buffer.alloc(5);
    header.write(this.type, 0, 'latin1');
    header.writeInt32BE(this.size + 4, 1);
    return Buffer.concat([header, ...this.parts]);
  }
}

/** A result column as RowDescription announces it. */
export type Field = {
  name: string;
  typeOid: number;
  typeSize: number;
  typeModifier?: number;
  tableOid?: number;
  columnNumber?: number;
};

/** Type OIDs and sizes of the types the SQL API produces (pg_type). */
export const PG_TYPES = {
  bool: { typeOid: 16, typeSize: 1 },
  int8: { typeOid: 20, typeSize: 8 },
  int4: { typeOid: 23, typeSize: 4 },
  text: { typeOid: 25, typeSize: -1 },
  numeric: { typeOid: 1700, typeSize: -1 },
  float8: { typeOid: 701, typeSize: 8 },
  timestamp: { typeOid: 1114, typeSize: 8 },
} as const;
export type PgTypeName = keyof typeof PG_TYPES;

export const backend = {
  authenticationOk: () => new MessageWriter('R').int32(0).done(),
  authenticationCleartext: () => new MessageWriter('R').int32(3).done(),
  authenticationSasl: (mechanisms: string[]) => {
    const writer = new MessageWriter('R').int32(10);
    for (const mechanism of mechanisms) writer.cstring(mechanism);
    return writer.raw(Buffer.from([0])).done();
  },
  authenticationSaslContinue: (data: string) =>
    new MessageWriter('R').int32(11).raw(Buffer.from(data, 'utf8')).done(),
  authenticationSaslFinal: (data: string) =>
    new MessageWriter('R').int32(12).raw(Buffer.from(data, 'utf8')).done(),
  parameterStatus: (name: string, value: string) =>
    new MessageWriter('S').cstring(name).cstring(value).done(),
  backendKeyData: (pid: number, secret: number) =>
    new MessageWriter('K').int32(pid).int32(secret).done(),
  readyForQuery: (status: 'I' | 'T' | 'E') =>
    new MessageWriter('Z').raw(Buffer.from(status, 'latin1')).done(),
  rowDescription: (fields: Field[], formats: number[] = []) => {
    const writer = new MessageWriter('T').int16(fields.length);
    fields.forEach((field, i) => {
      writer
        .cstring(field.name)
        .int32(field.tableOid ?? 0)
        .int16(field.columnNumber ?? 0)
        .int32(field.typeOid)
        .int16(field.typeSize)
        .int32(field.typeModifier ?? -1)
        .int16(formats.length === 1 ? (formats[0] ?? 0) : (formats[i] ?? 0));
    });
    return writer.done();
  },
  dataRow: (values: Array<Buffer | null>) => {
    const writer = new MessageWriter('D').int16(values.length);
    for (const value of values) {
      if (value === null) writer.int32(-1);
      else writer.int32(value.length).raw(value);
    }
    return writer.done();
  },
  commandComplete: (tag: string) => new MessageWriter('C').cstring(tag).done(),
  emptyQueryResponse: () => new MessageWriter('I').done(),
  parseComplete: () => new MessageWriter('1').done(),
  bindComplete: () => new MessageWriter('2').done(),
  closeComplete: () => new MessageWriter('3').done(),
  noData: () => new MessageWriter('n').done(),
  portalSuspended: () => new MessageWriter('s').done(),
  parameterDescription: (oids: number[]) => {
    const writer = new MessageWriter('t').int16(oids.length);
    for (const oid of oids) writer.int32(oid);
    return writer.done();
  },
  errorResponse: (fields: { severity: string; code: string; message: string; position?: number }) =>
    noticeLike('E', fields),
  noticeResponse: (fields: { severity: string; code: string; message: string }) =>
    noticeLike('N', fields),
};

function noticeLike(
  type: 'E' | 'N',
  fields: { severity: string; code: string; message: string; position?: number },
): Buffer {
  const writer = new MessageWriter(type)
    .raw(Buffer.from('S'))
    .cstring(fields.severity)
    .raw(Buffer.from('V'))
    .cstring(fields.severity)
    .raw(Buffer.from('C'))
    .cstring(fields.code)
    .raw(Buffer.from('M'))
    .cstring(fields.message);
  if (fields.position !== undefined) writer.raw(Buffer.from('P')).cstring(String(fields.position));
  return writer.raw(Buffer.from([0])).done();
}
