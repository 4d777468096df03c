// UUID-shaped ids derived from (seed, table, row number) instead of stored: any generator can
// name row n of a table without keeping the id. The first 32 bits are a bijection of the row
// number, so ids never collide within a table.

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function fmix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function hex32(word: number): string {
  return HEX[word >>> 24] + HEX[(word >>> 16) & 255] + HEX[(word >>> 8) & 255] + HEX[word & 255];
}

export class IdSpace {
  private readonly offset: number;
  private readonly key: number;

  constructor(seed: number, table: number) {
    this.key = fmix32(seed ^ Math.imul(table + 1, 0x9e3779b9));
    this.offset = fmix32(this.key ^ 0x5bd1e995);
  }

  /** The id of row `n` (a version-4-shaped UUID string). */
  id(n: number): string {
    const w0 = fmix32((n + this.offset) >>> 0);
    const w1 = fmix32(w0 ^ this.key);
    const w2 = fmix32(w1 + n);
    const w3 = fmix32(w2 ^ this.key ^ n);
    const a = hex32(w0);
    const b = hex32(((w1 & 0xffff0fff) | 0x00004000) >>> 0);
    const c = hex32(((w2 & 0x3fffffff) | 0x80000000) >>> 0);
    const d = hex32(w3);
    return `${a}-${b.slice(0, 4)}-${b.slice(4)}-${c.slice(0, 4)}-${c.slice(4)}${d}`;
  }
}
