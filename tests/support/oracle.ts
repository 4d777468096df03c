/**
 * The oracle side of the model tests: plain SQL on the seeded source tables, written by hand and
 * independently of the model. `sql` returns rows with numeric columns as JS numbers (Postgres
 * sends bigint/numeric as strings) and nulls kept.
 */
import pg from 'pg';
import { inject } from 'vitest';
import type { PgConfig } from '../../db/connection';
import type { Oracle, OracleRow } from '../../oracles/sql';

// int8, numeric, float4, float8, int2, int4
const NUMERIC_OIDS = new Set([20, 1700, 700, 701, 21, 23]);

export function createOracle(config: PgConfig): Oracle {
  const pool = new pg.Pool({ ...config, max: 2, application_name: 'model-oracle' });
  pool.on('error', () => undefined);

  async function sql(text: string, params: readonly unknown[] = []): Promise<OracleRow[]> {
    const client = await pool.connect();
    try {
      await client.query(`SET TIME ZONE 'UTC'`);
      const result = await client.query(text, params as unknown[]);
      const numeric = new Set(
        result.fields.filter((f) => NUMERIC_OIDS.has(f.dataTypeID)).map((f) => f.name),
      );
      return result.rows.map((row: Record<string, unknown>) => {
        const out: OracleRow = {};
        for (const [key, value] of Object.entries(row)) {
          if (value === null || value === undefined) out[key] = null;
          else if (numeric.has(key)) out[key] = Number(value);
          else if (value instanceof Date) out[key] = value.toISOString();
          else out[key] = value as string | boolean | number;
        }
        return out;
      });
    } finally {
      client.release();
    }
  }

  return {
    sql,
    async one(text, params) {
      const rows = await sql(text, params);
      if (rows.length !== 1) throw new Error(`expected one row, got ${rows.length}: ${text}`);
      return rows[0] as OracleRow;
    },
    end: () => pool.end(),
  };
}

/** The oracle on the database the vitest global setup seeded (`inject('pg')`). */
export function oracleFromTestStack(): Oracle {
  return createOracle(inject('pg'));
}
