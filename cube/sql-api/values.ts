/**
 * Result values in Postgres's formats: text (what every client asks for by default) and binary
 * for the types the SQL API and its catalog return, when a client asks for binary columns.
 */
import { SQLSTATE, SqlApiError } from './errors';
import type { PgTypeName } from './protocol';

/** Cube's JSON value of a result cell → Postgres text format for the column's type. */
export function cubeValueToText(value: unknown, pgType: PgTypeName): string | null {
  if (value === null || value === undefined) return null;
  if (pgType === 'bool') {
    return value === true || value === 'true' || value === 't' || value === 1 ? 't' : 'f';
  }
  if (pgType === 'timestamp') return pgTimestamp(String(value));
  // Postgres prints a double in its shortest exact form, as JavaScript does (`3.76`, not `3.7600`).
  if (pgType === 'float8') return String(Number(value));
  return String(value);
}

/** `2026-11-01T10:00:00.000` (Cube) → `2026-11-01 10:00:00` (Postgres, fraction only when set). */
export function pgTimestamp(value: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.(\d+))?/.exec(value);
  if (!match) return value;
  const fraction = (match[3] ?? '').replace(/0+$/, '');
  return `${match[1]} ${match[2]}${fraction ? `.${fraction}` : ''}`;
}

const POSTGRES_EPOCH_MS = Date.UTC(2000, 0, 1);

function int64(value: bigint): Buffer {
  const out = Buffer.alloc(8);
  out.writeBigInt64BE(value);
  return out;
}

/** Postgres's binary numeric: base-10000 digits with weight, sign and display scale. */
function numericBinary(text: string): Buffer {
  if (text === 'NaN') return Buffer.from([0, 0, 0, 0, 0xc0, 0, 0, 0]);
  const negative = text.startsWith('-');
  const [intPart = '0', fracPart = ''] = text.replace(/^[-+]/, '').split('.');
  const scale = fracPart.length;
  const intDigits = intPart.replace(/^0+/, '');
  const padInt = intDigits.padStart(Math.ceil(intDigits.length / 4) * 4, '0');
  const padFrac = fracPart.padEnd(Math.ceil(fracPart.length / 4) * 4, '0');
  const digits: number[] = [];
  for (let i = 0; i < padInt.length; i += 4) digits.push(Number(padInt.slice(i, i + 4)));
  let weight = digits.length - 1;
  for (let i = 0; i < padFrac.length; i += 4) digits.push(Number(padFrac.slice(i, i + 4)));
  while (digits.length > 0 && digits[0] === 0) {
    digits.shift();
    weight--;
  }
  while (digits.length > 0 && digits[digits.length - 1] === 0) digits.pop();
  if (digits.length === 0) weight = 0;
  const out = Buffer.alloc(8 + digits.length * 2);
  out.writeInt16BE(digits.length, 0);
  out.writeInt16BE(weight, 2);
  out.writeUInt16BE(negative && digits.length > 0 ? 0x4000 : 0, 4);
  out.writeInt16BE(scale, 6);
  digits.forEach((digit, i) => {
    out.writeInt16BE(digit, 8 + i * 2);
  });
  return out;
}

/** A text value → Postgres binary format of the type `oid`; unknown types are refused. */
export function textToBinary(text: string, oid: number): Buffer {
  switch (oid) {
    case 16:
      return Buffer.from([text === 't' || text === 'true' ? 1 : 0]);
    case 21: {
      const out = Buffer.alloc(2);
      out.writeInt16BE(Number(text));
      return out;
    }
    case 23:
    case 26: {
      const out = Buffer.alloc(4);
      if (oid === 26) out.writeUInt32BE(Number(text));
      else out.writeInt32BE(Number(text));
      return out;
    }
    case 20:
      return int64(BigInt(text));
    case 700: {
      const out = Buffer.alloc(4);
      out.writeFloatBE(Number(text));
      return out;
    }
    case 701: {
      const out = Buffer.alloc(8);
      out.writeDoubleBE(Number(text));
      return out;
    }
    case 1700:
      return numericBinary(text);
    case 1114: {
      const match = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?$/.exec(text);
      if (!match) break;
      const ms = Date.parse(`${match[1]}T${match[2]}Z`) - POSTGRES_EPOCH_MS;
      return int64(BigInt(ms) * 1000n + BigInt((match[3] ?? '').padEnd(6, '0')));
    }
    case 18:
    case 19:
    case 25:
    case 1042:
    case 1043:
    case 705:
      return Buffer.from(text, 'utf8');
    default:
      break;
  }
  throw new SqlApiError(
    SQLSTATE.featureNotSupported,
    `binary result format is not supported for type oid ${oid}; request text format`,
  );
}

/** A binary parameter of type `oid` → its text form (what Cube filters and the catalog take). */
export function binaryParamToText(value: Buffer, oid: number): string {
  switch (oid) {
    case 16:
      return value[0] ? 'true' : 'false';
    case 21:
      return String(value.readInt16BE());
    case 23:
      return String(value.readInt32BE());
    case 26:
      return String(value.readUInt32BE());
    case 20:
      return String(value.readBigInt64BE());
    case 700:
      return String(value.readFloatBE());
    case 701:
      return String(value.readDoubleBE());
    case 0:
    case 18:
    case 19:
    case 25:
    case 705:
    case 1042:
    case 1043:
      return value.toString('utf8');
    default:
      throw new SqlApiError(
        SQLSTATE.featureNotSupported,
        `binary parameter format is not supported for type oid ${oid}; send text parameters`,
      );
  }
}
