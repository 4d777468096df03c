/**
 * Cube's driver-test dataset (tests/fixtures/driver-test-data, see its README) in its own schema
 * of the test Postgres, so the product's model and its rollups never see it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { type PgConfig, withClient } from '../../../db/connection';

export const DRIVER_TEST_SCHEMA = 'driver_test';
export const CONFORMANCE_MODEL_DIR = path.resolve(import.meta.dirname, 'model');
const DATA_DIR = path.resolve(import.meta.dirname, '../../fixtures/driver-test-data');

/**
 * Column types are the ones Postgres gives the driver suite's `select … union all` literals:
 * integer literals are int4, decimals are unconstrained numeric (so `24.36800` keeps its scale).
 */
const TABLES: Record<string, string> = {
  ecommerce: `row_id int4, order_id text, order_date date, customer_id text, city text,
    category text, sub_category text, product_name text, sales numeric, quantity int4,
    discount numeric, profit numeric`,
  customers: 'customer_id text, customer_name text',
  products: 'category text, sub_category text, product_name text',
  bigecommerce: `id int4, row_id int4, order_id text, order_date date, completed_date date,
    city text, category text, sub_category text, product_name text, customer_id text,
    sales numeric, quantity int4, discount numeric, profit numeric, is_returning boolean`,
};

async function copyCsv(client: pg.Client, table: string): Promise<void> {
  const sink = client.query(
    copyFrom(`copy ${DRIVER_TEST_SCHEMA}.${table} from stdin with (format csv, header true)`),
  );
  await pipeline(fs.createReadStream(path.join(DATA_DIR, `${table}.csv`)), sink);
}

/** (Re)creates the schema and loads the three tables. */
export async function loadDriverTestDataset(db: PgConfig): Promise<void> {
  await withClient(db, async (client) => {
    await client.query(`drop schema if exists ${DRIVER_TEST_SCHEMA} cascade`);
    await client.query(`create schema ${DRIVER_TEST_SCHEMA}`);
    for (const [table, columns] of Object.entries(TABLES)) {
      await client.query(`create table ${DRIVER_TEST_SCHEMA}.${table} (${columns})`);
      await copyCsv(client, table);
    }
  });
}
