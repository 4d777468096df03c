// Rows for COPY … FROM STDIN WITH (FORMAT binary), written field by field into fixed-size
// byte chunks. Binary COPY spares Postgres parsing text (timestamps especially) and spares
// Node building and re-encoding long strings: together about twice the throughput of the
// text format. Format: https://www.postgresql.org/docs/current/sql-copy.html#id-1.9.3.55.9.4

/** Writes one table's rows; call `row()`, then one method per column in COPY order. */
export interface RowWriter {
  row(): this;
  text(value: string): this;
  textOrNull(value: string | null): this;
  int(value: number): this;
  intOrNull(value: number | null): this;
  bigint(value: number): this;
  bigintOrNull(value: number | null): this;
  bool(value: boolean): this;
  /** timestamptz from epoch milliseconds (UTC). */
  timestamp(ms: number): this;
  timestampOrNull(ms: number | null): this;
  /** date from days since 1970-01-01. */
  date(day: number): this;
  /** jsonb from JSON text. */
  jsonb(json: string): this;
}

const CHUNK_BYTES = 256 * 1024;
const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const EPOCH_2000_MS = Date.UTC(2000, 0, 1);
const EPOCH_2000_DAYS = EPOCH_2000_MS / 86_400_000;
const TWO_32 = 4_294_967_296;

export class BinaryRowWriter implements RowWriter {
  rows = 0;
  private chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  private view = new DataView(this.chunk.buffer, this.chunk.byteOffset, CHUNK_BYTES);
  private used = 0;

  constructor(
    private readonly fields: number,
    private readonly onChunk: (bytes: Buffer) => void,
  ) {
    SIGNATURE.copy(this.chunk, 0);
    this.view.setInt32(SIGNATURE.length, 0); // flags
    this.view.setInt32(SIGNATURE.length + 4, 0); // header extension length
    this.used = SIGNATURE.length + 8;
  }

  /** Hands the filled part of the chunk to `onChunk` (rows may span chunks). */
  flush(): void {
    if (this.used === 0) return;
    const full = this.chunk.subarray(0, this.used);
    this.chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    this.view = new DataView(this.chunk.buffer, this.chunk.byteOffset, CHUNK_BYTES);
    this.used = 0;
    this.onChunk(full);
  }

  /** Writes the end-of-data marker and flushes. */
  finish(): void {
    this.room(2);
    this.view.setInt16(this.used, -1);
    this.used += 2;
    this.flush();
  }

  private room(bytes: number): void {
    if (this.used + bytes > CHUNK_BYTES) this.flush();
  }

  row(): this {
    this.room(2);
    this.view.setInt16(this.used, this.fields);
    this.used += 2;
    this.rows++;
    return this;
  }

  private null(): this {
    this.room(4);
    this.view.setInt32(this.used, -1);
    this.used += 4;
    return this;
  }

  text(value: string): this {
    const max = value.length * 3 + 4; // a UTF-16 unit is at most 3 UTF-8 bytes
    if (max > CHUNK_BYTES)
      throw new Error(`text value too long for a COPY chunk (${value.length})`);
    this.room(max);
    const length = this.put(value, this.used + 4);
    this.view.setInt32(this.used, length);
    this.used += 4 + length;
    return this;
  }

  /** Writes a string's UTF-8 bytes at `at`; returns their count. */
  private put(value: string, at: number): number {
    // Short ASCII strings (ids, enum values, names) are cheaper to copy by hand than through
    // a native call; anything else goes through Buffer#write.
    if (value.length <= 64) {
      const chunk = this.chunk;
      let i = 0;
      for (; i < value.length; i++) {
        const code = value.charCodeAt(i);
        if (code >= 0x80) break;
        chunk[at + i] = code;
      }
      if (i === value.length) return i;
    }
    return this.chunk.write(value, at);
  }

  textOrNull(value: string | null): this {
    return value === null ? this.null() : this.text(value);
  }

  int(value: number): this {
    this.room(8);
    this.view.setInt32(this.used, 4);
    this.view.setInt32(this.used + 4, value);
    this.used += 8;
    return this;
  }

  intOrNull(value: number | null): this {
    return value === null ? this.null() : this.int(value);
  }

  private int64(value: number): this {
    const high = Math.floor(value / TWO_32);
    this.room(12);
    this.view.setInt32(this.used, 8);
    this.view.setInt32(this.used + 4, high);
    this.view.setUint32(this.used + 8, value - high * TWO_32);
    this.used += 12;
    return this;
  }

  bigint(value: number): this {
    return this.int64(value);
  }

  bigintOrNull(value: number | null): this {
    return value === null ? this.null() : this.int64(value);
  }

  bool(value: boolean): this {
    this.room(5);
    this.view.setInt32(this.used, 1);
    this.view.setUint8(this.used + 4, value ? 1 : 0);
    this.used += 5;
    return this;
  }

  timestamp(ms: number): this {
    // Microseconds since 2000-01-01 UTC.
    return this.int64((ms - EPOCH_2000_MS) * 1000);
  }

  timestampOrNull(ms: number | null): this {
    return ms === null ? this.null() : this.timestamp(ms);
  }

  date(day: number): this {
    return this.int(day - EPOCH_2000_DAYS);
  }

  jsonb(json: string): this {
    const max = json.length * 3 + 5;
    if (max > CHUNK_BYTES)
      throw new Error(`jsonb value too long for a COPY chunk (${json.length})`);
    this.room(max);
    const length = this.put(json, this.used + 5);
    this.view.setInt32(this.used, length + 1);
    this.view.setUint8(this.used + 4, 1); // jsonb binary format version
    this.used += 5 + length;
    return this;
  }
}
