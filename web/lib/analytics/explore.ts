/**
 * What a widget's "Explore" menu works with: the Cube queries behind it (as a Playground link,
 * and split per period for `/sql`), and the rows it shows as a CSV file.
 */
import Papa from 'papaparse';
import type { TypedQuery } from '../cube/query';
import { csvHeader, roundedValue, type ValueKind } from '../format';

export interface ExploreColumn {
  readonly key: string;
  /** The human column name (the CSV header, which adds the kind's unit). */
  readonly label: string;
  /** A numeric column's kind: its cells are rounded as the screen rounds them (web/lib/format). */
  readonly kind?: ValueKind;
}

export type ExploreCell = string | number | null;

/** The rows a widget displays, with human column names. */
export interface ExploreTable {
  readonly columns: readonly ExploreColumn[];
  readonly rows: readonly Readonly<Record<string, ExploreCell>>[];
}

/** The web app's hand-off into Cube Playground, opening the builder on `query`. */
export function playgroundHref(query: TypedQuery): string {
  return `/admin/playground?query=${encodeURIComponent(JSON.stringify(query))}`;
}

/** A regular query (no `compareDateRange`) and what it covers. */
export interface RegularQuery {
  /** `null` for a query that was regular already; the period otherwise. */
  readonly period: string | null;
  readonly query: TypedQuery;
}

/**
 * A `compareDateRange` query as one regular query per range: `/sql` answers one statement per
 * regular query, and Cube Playground drops `compareDateRange` from the queries it opens.
 */
export function regularQueriesOf(query: TypedQuery): RegularQuery[] {
  const compared = query.timeDimensions?.find((td) => td.compareDateRange !== undefined);
  if (!compared?.compareDateRange) return [{ period: null, query }];
  return compared.compareDateRange.map((dateRange, i) => ({
    period: `${i === 0 ? 'current' : 'previous'} period, ${dateRange.join(' – ')}`,
    query: {
      ...query,
      timeDimensions: query.timeDimensions?.map((td) =>
        td === compared ? { dimension: td.dimension, dateRange } : td,
      ),
    },
  }));
}

/** A cell as the file writes it: a number of a kind column rounded to the kind's precision. */
export function csvCell(value: ExploreCell | undefined, kind: ValueKind | undefined): ExploreCell {
  if (value === null || value === undefined) return '';
  return typeof value === 'number' && kind ? roundedValue(value, kind) : value;
}

/**
 * RFC 4180 CSV with a header row of human column names and units ("Share (%)"), numbers rounded
 * as the screen rounds them. Cells that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`
 * at the start of a text cell) are escaped.
 */
export function tableToCsv(table: ExploreTable): string {
  return Papa.unparse(
    {
      fields: table.columns.map((c) => csvHeader(c.label, c.kind)),
      data: table.rows.map((row) => table.columns.map((c) => csvCell(row[c.key], c.kind))),
    },
    { escapeFormulae: true, newline: '\r\n' },
  );
}

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');

/** `top-templates_last-7-days.csv`: the widget and its timeframe. */
export function csvFileName(name: string, timeframe: string): string {
  return `${slug(name)}_${slug(timeframe)}.csv`;
}
