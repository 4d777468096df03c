/**
 * Pure tests of the JS port of Cube's native result transform (cube/engine/result-transform.ts).
 *
 * The `describe` blocks named after Rust functions mirror the unit tests of
 * `rust/cubeorchestrator/src/query_result_transform.rs` (cube-js/cube), on the same fixture data
 * (tests/fixtures/result-transform/rust-test-suite.json). The rest pins what the `/load` body looks
 * like end to end: root-object shaping, multi results with `pivotQuery`, empty results, nulls,
 * numbers and the driver values the Postgres driver can return.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  type ColumnarData,
  type CompactData,
  type DriverRow,
  type FinalQueryResultMulti,
  finalQueryResult,
  finalQueryResultMulti,
  getBlendingQueryKey,
  getBlendingResponseKey,
  getDateRangeValue,
  getMembers,
  getPivotQuery,
  granularityTrack,
  type MultiResponseInput,
  type RootResultObjectInput,
  rowsToColumnar,
  type TransformDataInput,
  type TransformedData,
  toWireValue,
  transformQueryData,
  transformValue,
  type VanillaRow,
} from '../../cube/engine/result-transform';

// ---------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------

interface SuiteCase {
  request: TransformDataInput;
  queryResult: DriverRow[];
  finalResultDefault: VanillaRow[];
  finalResultCompact: CompactData;
}

const readFixture = (name: string): unknown =>
  JSON.parse(
    readFileSync(new URL(`../fixtures/result-transform/${name}`, import.meta.url), 'utf8'),
  );

const suite = readFixture('rust-test-suite.json') as Record<string, SuiteCase>;

const REGULAR_CITY = 'regular_discount_by_city';
const REGULAR_POSTAL = 'regular_profit_by_postal_code';
const COMPARE = 'compare_date_range_count_by_order_date';
const COMPARE2 = 'compare_date_range_count_by_order_date2';
const BLENDING = 'blending_query_avg_discount_by_date_range_for_the_first_and_standard_ship_mode';
const BLENDING2 = 'blending_query_avg_discount_by_date_range_for_the_first_and_standard_ship_mode2';
const BLENDING_MULTI_GRAN = 'blending_query_multiple_granularities';

/** A fresh copy of a fixture, so tests can mutate it (as the Rust tests mutate their clone). */
function fixture(name: string): SuiteCase {
  const found = suite[name];
  if (!found) {
    throw new Error(`Unknown fixture ${name}`);
  }
  return structuredClone(found);
}

const withResType = (
  request: TransformDataInput,
  resType: 'default' | 'compact' | 'columnar',
): TransformDataInput => ({ ...request, resType });

const isCompact = (data: TransformedData): data is CompactData =>
  !Array.isArray(data) && 'dataset' in data;
const isColumnar = (data: TransformedData): data is ColumnarData =>
  !Array.isArray(data) && 'columns' in data;

/**
 * `compare_transformed_data` of the Rust tests: compact members are compared as sets and the
 * cells through the member positions; vanilla rows by key.
 */
function expectSameTransformedData(actual: TransformedData, expected: TransformedData): void {
  if (Array.isArray(expected)) {
    expect(Array.isArray(actual)).toBe(true);
    const rows = actual as VanillaRow[];
    expect(rows).toHaveLength(expected.length);
    rows.forEach((row, i) => {
      const expectedRow = expected[i] ?? {};
      expect(Object.keys(row).sort()).toEqual(Object.keys(expectedRow).sort());
      for (const [key, value] of Object.entries(row)) {
        expect(value, `row ${i}, key ${key}`).toEqual(expectedRow[key]);
      }
    });
    return;
  }
  if (!isCompact(expected) || !isCompact(actual)) {
    throw new Error('Mismatched TransformedData types');
  }
  expect([...actual.members].sort()).toEqual([...expected.members].sort());
  expect(actual.dataset).toHaveLength(expected.dataset.length);
  actual.dataset.forEach((row, i) => {
    expect(row).toHaveLength(actual.members.length);
    actual.members.forEach((member, j) => {
      const expectedIndex = expected.members.indexOf(member);
      expect(row[j], `row ${i}, member ${member}`).toEqual(expected.dataset[i]?.[expectedIndex]);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// transform_value
// ---------------------------------------------------------------------------------------------

describe('transform_value', () => {
  it.each([
    // test_transform_value_string_to_time_valid_rfc3339: no offset, so nothing parses: unchanged.
    ['2024-01-01T12:30:15.123', '2024-01-01T12:30:15.123'],
    // test_transform_value_string_wo_t_to_time_valid_rfc3339
    ['2024-01-01 12:30:15.123', '2024-01-01T12:30:15.123'],
    // test_transform_value_string_wo_mssec_to_time_valid_rfc3339
    ['2024-01-01 12:30:15', '2024-01-01T12:30:15.000'],
    // test_transform_value_string_wo_mssec_w_t_to_time_valid_rfc3339
    ['2024-01-01T12:30:15', '2024-01-01T12:30:15.000'],
    // test_transform_value_string_with_tz_offset_to_time_valid_rfc3339
    ['2024-01-01 12:30:15.123 +00:00', '2024-01-01T12:30:15.123'],
    // test_transform_value_string_with_tz_to_time_valid_rfc3339
    ['2024-01-01 12:30:15.123 UTC', '2024-01-01T12:30:15.123'],
    // test_transform_value_string_to_time_invalid_rfc3339
    ['invalid-date', 'invalid-date'],
  ])('formats the time string %s as %s', (input, expected) => {
    expect(transformValue(input, 'time')).toBe(expected);
  });

  it('leaves strings of other member types alone (test_transform_value_primitive_string_type_not_time)', () => {
    expect(transformValue('some-string', 'other')).toBe('some-string');
    expect(transformValue('2024-01-01 12:30:15', 'string')).toBe('2024-01-01 12:30:15');
    expect(transformValue('2024-01-01 12:30:15', '')).toBe('2024-01-01 12:30:15');
  });

  it('formats a Date (serialised to ISO by the JSON step) for time members', () => {
    // Rust test_transform_value_datetime_to_time: 2024-01-01 12:30:15.123 UTC -> no zone suffix.
    const wire = toWireValue(new Date(Date.UTC(2024, 0, 1, 12, 30, 15, 123)));
    expect(wire).toBe('2024-01-01T12:30:15.123Z');
    expect(transformValue(wire, 'time')).toBe('2024-01-01T12:30:15.123');
    // Cube 1.7.43 JSON-encodes the rows before Rust sees them, so the DateTime variant (and its
    // formatting for an empty type / null for an unknown type) no longer exists: the ISO string
    // is passed through for non-time members.
    expect(transformValue(wire, '')).toBe('2024-01-01T12:30:15.123Z');
    expect(transformValue(wire, 'unknown')).toBe('2024-01-01T12:30:15.123Z');
  });

  it('keeps Postgres timestamps (YYYY-MM-DDTHH:mm:ss.SSS) exactly as the driver returns them', () => {
    expect(transformValue('2024-03-10T00:00:00.000', 'time')).toBe('2024-03-10T00:00:00.000');
    // A `T` with a fraction matches none of the chrono formats, whatever the fraction length.
    expect(transformValue('2024-03-10T00:00:00.5', 'time')).toBe('2024-03-10T00:00:00.5');
  });

  it('truncates fractions to milliseconds and keeps the wall clock of an RFC 3339 offset', () => {
    expect(transformValue('2024-01-01 12:30:15.123456', 'time')).toBe('2024-01-01T12:30:15.123');
    expect(transformValue('2024-01-01 12:30:15.5', 'time')).toBe('2024-01-01T12:30:15.500');
    expect(transformValue('2024-01-01T12:30:15.999999+02:00', 'time')).toBe(
      '2024-01-01T12:30:15.999',
    );
    expect(transformValue('2024-01-01 23:30:00-05:00', 'time')).toBe('2024-01-01T23:30:00.000');
    expect(transformValue('2024-01-01t08:00:00z', 'time')).toBe('2024-01-01T08:00:00.000');
  });

  it('leaves values chrono rejects unchanged', () => {
    expect(transformValue('2024-02-30 00:00:00', 'time')).toBe('2024-02-30 00:00:00');
    expect(transformValue('2024-01-01 24:00:00', 'time')).toBe('2024-01-01 24:00:00');
    expect(transformValue('2024-01-01T00:00:00+24:00', 'time')).toBe('2024-01-01T00:00:00+24:00');
    expect(transformValue('2024-01-01', 'time')).toBe('2024-01-01');
    expect(transformValue('', 'time')).toBe('');
    expect(transformValue('2024-02-29 00:00:00', 'time')).toBe('2024-02-29T00:00:00.000');
  });

  it('never touches non-string values', () => {
    expect(transformValue(null, 'time')).toBeNull();
    expect(transformValue(1_700_000_000, 'time')).toBe(1_700_000_000);
    expect(transformValue(true, 'time')).toBe(true);
    expect(transformValue({ a: 1 }, 'time')).toEqual({ a: 1 });
  });
});

// ---------------------------------------------------------------------------------------------
// get_date_range_value / get_blending_query_key / get_blending_response_key
// ---------------------------------------------------------------------------------------------

describe('get_date_range_value', () => {
  it('joins the first time dimension date range (test_get_date_range_value_valid_range)', () => {
    const tds = [
      { dimension: 'some-dim', dateRange: ['2024-01-01T00:00:00Z', '2024-01-31T23:59:59Z'] },
    ];
    expect(getDateRangeValue(tds)).toBe('2024-01-01T00:00:00Z - 2024-01-31T23:59:59Z');
  });

  it('fails without time dimensions (test_get_date_range_value_no_time_dimensions)', () => {
    expect(() => getDateRangeValue(undefined)).toThrow(
      'QueryTimeDimension should be specified for the compare date range query.',
    );
  });

  it('fails with an empty list (test_get_date_range_value_empty_time_dimensions)', () => {
    expect(() => getDateRangeValue([])).toThrow('No time dimension provided.');
  });

  it('fails without dateRange (test_get_date_range_value_missing_date_range)', () => {
    expect(() => getDateRangeValue([{ dimension: 'dim' }])).toThrow(
      'Inconsistent QueryTimeDimension configuration: dateRange required.',
    );
  });

  it('fails with a one-date range (test_get_date_range_value_single_date_range)', () => {
    expect(() =>
      getDateRangeValue([{ dimension: 'dim', dateRange: ['2024-01-01T00:00:00Z'] }]),
    ).toThrow(
      'Inconsistent dateRange configuration for the compare date range query: 2024-01-01T00:00:00Z',
    );
  });
});

describe('get_blending_query_key / get_blending_response_key', () => {
  const missingGranularity = (dimension: string): string =>
    'Inconsistent QueryTimeDimension configuration for the blending query, granularity required: ' +
    `QueryTimeDimension { dimension: "${dimension}", date_range: None, compare_date_range: None, granularity: None }`;

  it('builds time.<granularity> (test_get_blending_query_key_valid_granularity)', () => {
    expect(getBlendingQueryKey([{ dimension: 'dim', granularity: 'day' }])).toBe('time.day');
  });

  it('fails without or with empty time dimensions (test_get_blending_query_key_no/empty_time_dimensions)', () => {
    const message = 'QueryTimeDimension should be specified for the blending query.';
    expect(() => getBlendingQueryKey(undefined)).toThrow(message);
    expect(() => getBlendingQueryKey([])).toThrow(message);
  });

  it('fails without granularity (test_get_blending_query_key_missing_granularity)', () => {
    expect(() => getBlendingQueryKey([{ dimension: 'dim' }])).toThrow(missingGranularity('dim'));
  });

  it('builds <dimension>.<granularity> (test_get_blending_response_key_valid_dimension_and_granularity)', () => {
    expect(getBlendingResponseKey([{ dimension: 'orders.created_at', granularity: 'day' }])).toBe(
      'orders.created_at.day',
    );
  });

  it('fails like the query key (test_get_blending_response_key_no/empty/missing_granularity)', () => {
    const message = 'QueryTimeDimension should be specified for the blending query.';
    expect(() => getBlendingResponseKey(undefined)).toThrow(message);
    expect(() => getBlendingResponseKey([])).toThrow(message);
    expect(() => getBlendingResponseKey([{ dimension: 'orders.created_at' }])).toThrow(
      missingGranularity('orders.created_at'),
    );
  });

  it('shows the whole time dimension in the Debug form of the error', () => {
    expect(() =>
      getBlendingQueryKey([
        { dimension: 'd', dateRange: ['a', 'b'], compareDateRange: [['a', 'b']] },
      ]),
    ).toThrow(
      'QueryTimeDimension { dimension: "d", date_range: Some(["a", "b"]), ' +
        'compare_date_range: Some(Multi([["a", "b"]])), granularity: None }',
    );
  });
});

// ---------------------------------------------------------------------------------------------
// TransformedData::transform on the Rust fixtures
// ---------------------------------------------------------------------------------------------

describe('TransformedData::transform (compact)', () => {
  // test_regular_discount_by_city, test_regular_profit_by_postal_code_compact,
  // test_compare_date_range_count_by_order_date(2), test_blending_query_..._ship_mode(2),
  // test_blending_query_multiple_granularities_compact.
  it.each([
    REGULAR_CITY,
    REGULAR_POSTAL,
    COMPARE,
    COMPARE2,
    BLENDING,
    BLENDING2,
    BLENDING_MULTI_GRAN,
  ])('%s', (name) => {
    const { request, queryResult, finalResultCompact } = fixture(name);
    const data = transformQueryData(withResType(request, 'compact'), queryResult);
    expectSameTransformedData(data, finalResultCompact);
  });

  it('fails when an alias has no member (test_regular_discount_by_city_to_fail)', () => {
    const { request, queryResult } = fixture(REGULAR_CITY);
    delete request.aliasToMemberNameMap.e_commerce_records_us2021__avg_discount;
    expect(() => transformQueryData(withResType(request, 'compact'), queryResult)).toThrow(
      "Member name not found for alias: 'e_commerce_records_us2021__avg_discount'",
    );
  });

  it('orders members as the Rust builds them: columns, bare time dimensions, tail key', () => {
    const compare = fixture(COMPARE);
    const data = transformQueryData(withResType(compare.request, 'compact'), compare.queryResult);
    expect(data).toEqual({
      members: [
        'ECommerceRecordsUs2021.orderDate.day',
        'ECommerceRecordsUs2021.count',
        'ECommerceRecordsUs2021.orderDate',
        'compareDateRange',
      ],
      dataset: [
        [
          '2020-01-01T00:00:00.000',
          '10',
          '2020-01-01T00:00:00.000',
          '2020-01-01T00:00:00.000 - 2020-01-31T23:59:59.999',
        ],
        [null, null, null, '2020-01-01T00:00:00.000 - 2020-01-31T23:59:59.999'],
      ],
    });
  });
});

describe('TransformedData::transform (default)', () => {
  // test_regular_discount_by_city_default, test_regular_profit_by_postal_code_default,
  // test_blending_query_..._ship_mode(2)_default, test_blending_query_multiple_granularities_default,
  // and the compare fixtures (whose default results the Rust suite carries but does not assert).
  it.each([
    REGULAR_CITY,
    REGULAR_POSTAL,
    COMPARE,
    COMPARE2,
    BLENDING,
    BLENDING2,
    BLENDING_MULTI_GRAN,
  ])('%s', (name) => {
    const { request, queryResult, finalResultDefault } = fixture(name);
    const data = transformQueryData(withResType(request, 'default'), queryResult);
    expectSameTransformedData(data, finalResultDefault);
  });

  it('uses the default layout when resType is absent', () => {
    const { request, queryResult, finalResultDefault } = fixture(REGULAR_CITY);
    expect(transformQueryData({ ...request, resType: undefined }, queryResult)).toEqual(
      finalResultDefault,
    );
  });

  it('fails when an alias has no member (test_regular_discount_by_city_default_to_fail)', () => {
    const { request, queryResult } = fixture(REGULAR_CITY);
    delete request.aliasToMemberNameMap.e_commerce_records_us2021__avg_discount;
    expect(() => transformQueryData(withResType(request, 'default'), queryResult)).toThrow(
      /Member name not found for alias/,
    );
  });
});

describe('TransformedData::transform (columnar)', () => {
  // test_*_columnar: the columns are the transpose of the compact dataset.
  it.each([REGULAR_CITY, REGULAR_POSTAL, COMPARE, BLENDING_MULTI_GRAN])(
    '%s matches the compact layout',
    (name) => {
      const { request, queryResult } = fixture(name);
      const compact = transformQueryData(withResType(request, 'compact'), queryResult);
      const columnar = transformQueryData(withResType(request, 'columnar'), queryResult);
      if (!isCompact(compact) || !isColumnar(columnar)) {
        throw new Error('unexpected layouts');
      }
      expect(columnar.members).toEqual(compact.members);
      expect(columnar.columns).toHaveLength(compact.members.length);
      columnar.columns.forEach((column, col) => {
        expect(column).toEqual(compact.dataset.map((row) => row[col]));
      });
    },
  );
});

// ---------------------------------------------------------------------------------------------
// get_members
// ---------------------------------------------------------------------------------------------

describe('get_members', () => {
  const columnsOf = (c: SuiteCase): string[] => rowsToColumnar(c.queryResult).members;

  it('fails without the alias map (test_get_members_no_alias_to_member_name_map)', () => {
    const c = fixture(REGULAR_POSTAL);
    expect(() => getMembers({ ...c.request, aliasToMemberNameMap: {} }, columnsOf(c))).toThrow(
      /Member name not found for alias/,
    );
  });

  it('returns nothing for an empty dataset (test_get_members_empty_dataset)', () => {
    const { membersToAlias, members } = getMembers(fixture(REGULAR_POSTAL).request, []);
    expect(membersToAlias.size).toBe(0);
    expect(members).toEqual([]);
  });

  it('still rejects hidden members on an empty dataset (test_get_members_empty_dataset_with_hidden_member)', () => {
    const { request } = fixture(REGULAR_POSTAL);
    delete request.annotation['ECommerceRecordsUs2021.avg_profit'];
    expect(() => getMembers(request, [])).toThrow(
      "You requested hidden member: 'ECommerceRecordsUs2021.avg_profit'. Please make it visible using `public: true`.",
    );
  });

  it('ignores filter-only time dimensions on an empty dataset (test_get_members_empty_dataset_with_filter_only_time_dimension)', () => {
    const { request } = fixture(REGULAR_POSTAL);
    request.query.timeDimensions = [
      { dimension: 'ECommerceRecordsUs2021.order_date', dateRange: ['2025-01-01', '2025-12-31'] },
    ];
    expect(() => getMembers(request, [])).not.toThrow();
    request.query.timeDimensions = [
      { dimension: 'ECommerceRecordsUs2021.order_date', granularity: 'day' },
    ];
    expect(() => getMembers(request, [])).toThrow(/You requested hidden member/);
  });

  it('maps members to aliases (test_get_members_filled_dataset)', () => {
    const c = fixture(REGULAR_POSTAL);
    const { membersToAlias, members } = getMembers(c.request, columnsOf(c));
    expect([...membersToAlias]).toEqual([
      ['ECommerceRecordsUs2021.postalCode', 'e_commerce_records_us2021__postal_code'],
      ['ECommerceRecordsUs2021.avg_profit', 'e_commerce_records_us2021__avg_profit'],
    ]);
    expect(members).toHaveLength(2);
  });

  it('returns nothing for an empty compare dataset (test_get_members_compare_date_range_empty_dataset)', () => {
    const { membersToAlias, members } = getMembers(fixture(COMPARE).request, []);
    expect(membersToAlias.size).toBe(0);
    expect(members).toHaveLength(0);
  });

  it('adds the bare time dimension and compareDateRange (test_get_members_compare_date_range_filled_dataset)', () => {
    const c = fixture(COMPARE);
    const { membersToAlias, members } = getMembers(c.request, columnsOf(c));
    expect(Object.fromEntries(membersToAlias)).toEqual({
      'ECommerceRecordsUs2021.orderDate.day': 'e_commerce_records_us2021__order_date_day',
      'ECommerceRecordsUs2021.orderDate': 'e_commerce_records_us2021__order_date_day',
      'ECommerceRecordsUs2021.count': 'e_commerce_records_us2021__count',
      compareDateRange: 'compareDateRangeQuery',
    });
    expect(members).toHaveLength(4);
  });

  it('returns nothing for an empty blending dataset (test_get_members_blending_query_empty_dataset)', () => {
    const { membersToAlias, members } = getMembers(fixture(BLENDING).request, []);
    expect(membersToAlias.size).toBe(0);
    expect(members).toHaveLength(0);
  });

  it('adds the bare time dimension and time.<granularity> (test_get_members_blending_query_filled_dataset)', () => {
    const c = fixture(BLENDING);
    const { membersToAlias, members } = getMembers(c.request, columnsOf(c));
    expect(Object.fromEntries(membersToAlias)).toEqual({
      'ECommerceRecordsUs2021.orderDate.month': 'e_commerce_records_us2021__order_date_month',
      'ECommerceRecordsUs2021.orderDate': 'e_commerce_records_us2021__order_date_month',
      'ECommerceRecordsUs2021.avg_discount': 'e_commerce_records_us2021__avg_discount',
      'time.month': 'e_commerce_records_us2021__order_date_month',
    });
    expect(members).toHaveLength(4);
  });

  it('gives the bare member the finest granularity column', () => {
    const c = fixture(BLENDING_MULTI_GRAN);
    const { membersToAlias } = getMembers(c.request, columnsOf(c));
    expect(membersToAlias.get('ECommerceRecordsUs2021.orderDate')).toBe(
      'e_commerce_records_us2021__order_date_week',
    );
  });
});

// ---------------------------------------------------------------------------------------------
// get_compact_row / get_vanilla_row
// ---------------------------------------------------------------------------------------------

describe('get_compact_row', () => {
  const rowByMember = (data: TransformedData, index: number): Record<string, unknown> => {
    if (!isCompact(data)) {
      throw new Error('expected compact data');
    }
    return Object.fromEntries(data.members.map((m, i) => [m, data.dataset[index]?.[i]]));
  };

  it('regular_profit_by_postal_code row 0', () => {
    const c = fixture(REGULAR_POSTAL);
    expect(
      rowByMember(transformQueryData(withResType(c.request, 'compact'), c.queryResult), 0),
    ).toEqual({
      'ECommerceRecordsUs2021.postalCode': '95823',
      'ECommerceRecordsUs2021.avg_profit': '646.1258666666666667',
    });
  });

  it('regular_discount_by_city row 0', () => {
    const c = fixture(REGULAR_CITY);
    expect(
      rowByMember(transformQueryData(withResType(c.request, 'compact'), c.queryResult), 0),
    ).toEqual({
      'ECommerceRecordsUs2021.city': 'Missouri City',
      'ECommerceRecordsUs2021.avg_discount': '0.80000000000000000000',
    });
  });

  it('compare_date_range rows 0 and 1 (nulls keep the date range)', () => {
    const c = fixture(COMPARE);
    const data = transformQueryData(withResType(c.request, 'compact'), c.queryResult);
    expect(rowByMember(data, 0)).toEqual({
      'ECommerceRecordsUs2021.orderDate.day': '2020-01-01T00:00:00.000',
      'ECommerceRecordsUs2021.orderDate': '2020-01-01T00:00:00.000',
      'ECommerceRecordsUs2021.count': '10',
      compareDateRange: '2020-01-01T00:00:00.000 - 2020-01-31T23:59:59.999',
    });
    expect(rowByMember(data, 1)).toEqual({
      'ECommerceRecordsUs2021.orderDate.day': null,
      'ECommerceRecordsUs2021.orderDate': null,
      'ECommerceRecordsUs2021.count': null,
      compareDateRange: '2020-01-01T00:00:00.000 - 2020-01-31T23:59:59.999',
    });
  });

  it('blending row 0', () => {
    const c = fixture(BLENDING);
    expect(
      rowByMember(transformQueryData(withResType(c.request, 'compact'), c.queryResult), 0),
    ).toEqual({
      'ECommerceRecordsUs2021.orderDate.month': '2020-01-01T00:00:00.000',
      'ECommerceRecordsUs2021.orderDate': '2020-01-01T00:00:00.000',
      'ECommerceRecordsUs2021.avg_discount': '0.15638297872340425532',
      'time.month': '2020-01-01T00:00:00.000',
    });
  });
});

describe('get_vanilla_row', () => {
  it('regular_discount_by_city row 0, keys in column order (test_get_vanilla_row_regular_discount_by_city)', () => {
    const c = fixture(REGULAR_CITY);
    const data = transformQueryData(
      withResType(c.request, 'default'),
      c.queryResult,
    ) as VanillaRow[];
    expect(data[0]).toEqual({
      'ECommerceRecordsUs2021.city': 'Missouri City',
      'ECommerceRecordsUs2021.avg_discount': '0.80000000000000000000',
    });
    expect(Object.keys(data[0] ?? {})).toEqual([
      'ECommerceRecordsUs2021.city',
      'ECommerceRecordsUs2021.avg_discount',
    ]);
  });

  it('fails on an unknown alias (test_get_vanilla_row_regular_discount_by_city_to_fail_member)', () => {
    // The Rust test calls build_vanilla_plan directly ("Missing member name for alias"); through
    // TransformedData::transform, get_members runs first and reports the alias.
    const c = fixture(REGULAR_CITY);
    delete c.request.aliasToMemberNameMap.e_commerce_records_us2021__avg_discount;
    expect(() => transformQueryData(withResType(c.request, 'default'), c.queryResult)).toThrow(
      "Member name not found for alias: 'e_commerce_records_us2021__avg_discount'",
    );
  });

  it('fails on a member missing from the annotation (test_get_vanilla_row_regular_discount_by_city_to_fail_annotation)', () => {
    const c = fixture(REGULAR_CITY);
    delete c.request.annotation['ECommerceRecordsUs2021.avg_discount'];
    expect(() => transformQueryData(withResType(c.request, 'default'), c.queryResult)).toThrow(
      "You requested hidden member: 'ECommerceRecordsUs2021.avg_discount'",
    );
  });

  it('picks the finest granularity for the bare key (test_get_vanilla_row_minimal_granularity_picks_finest_when_all_present)', () => {
    const request: TransformDataInput = {
      aliasToMemberNameMap: { t_day: 'Cube.t.day', t_month: 'Cube.t.month' },
      annotation: { 'Cube.t.day': { type: 'time' }, 'Cube.t.month': { type: 'time' } },
      query: {},
      queryType: 'regularQuery',
      resType: 'default',
    };
    const rows = [{ t_month: '2024-06-01 00:00:00', t_day: '2024-06-15 00:00:00' }];
    expect(transformQueryData(request, rows)).toEqual([
      {
        'Cube.t.month': '2024-06-01T00:00:00.000',
        'Cube.t.day': '2024-06-15T00:00:00.000',
        'Cube.t': '2024-06-15T00:00:00.000',
      },
    ]);
  });

  it('does not add the bare key when the bare dimension is itself requested', () => {
    const request: TransformDataInput = {
      aliasToMemberNameMap: { t_day: 'Cube.t.day', t: 'Cube.t' },
      annotation: { 'Cube.t.day': { type: 'time' }, 'Cube.t': { type: 'time' } },
      query: { dimensions: ['Cube.t'] },
      resType: 'default',
    };
    const rows = [{ t_day: '2024-06-15T00:00:00.000', t: '2024-06-15 10:11:12.5' }];
    expect(transformQueryData(request, rows)).toEqual([
      { 'Cube.t.day': '2024-06-15T00:00:00.000', 'Cube.t': '2024-06-15T10:11:12.500' },
    ]);
  });
});

describe('compute_vanilla_granularity_track', () => {
  it('ignores members that are not Cube.dim.granularity (test_compute_vanilla_granularity_track_none)', () => {
    expect(granularityTrack('nodots', null)).toBeNull();
    expect(granularityTrack('Cube.dim', null)).toBeNull();
    expect(granularityTrack('Cube.dim.day.extra', null)).toBeNull();
  });

  it('tracks a known granularity (test_compute_vanilla_granularity_track_known_granularity)', () => {
    expect(granularityTrack('Cube.orderDate.day', null)).toEqual({
      baseMember: 'Cube.orderDate',
      level: 4,
    });
  });

  it.each([
    ['second', 1],
    ['minute', 2],
    ['hour', 3],
    ['day', 4],
    ['week', 5],
    ['month', 6],
    ['quarter', 7],
    ['year', 8],
    ['fiscal_year', 10],
    ['constructor', 10],
  ])(
    'ranks %s as %i (test_compute_vanilla_granularity_track_levels_for_all_known_granularities)',
    (granularity, level) => {
      expect(granularityTrack(`Cube.t.${granularity}`, undefined)).toEqual({
        baseMember: 'Cube.t',
        level,
      });
    },
  );

  it('skips a base that is a query dimension (test_compute_vanilla_granularity_track_skips_when_base_in_dimensions)', () => {
    expect(granularityTrack('Cube.orderDate.day', ['Cube.orderDate'])).toBeNull();
  });

  it('proceeds when other dimensions are present (test_compute_vanilla_granularity_track_proceeds_when_other_dims_present)', () => {
    expect(granularityTrack('Cube.orderDate.day', ['Cube.other'])?.baseMember).toBe(
      'Cube.orderDate',
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Driver values, nulls, numbers
// ---------------------------------------------------------------------------------------------

describe('driver values', () => {
  const request = (resType: 'default' | 'compact'): TransformDataInput => ({
    aliasToMemberNameMap: {
      o__count: 'Orders.count',
      o__amount: 'Orders.amount',
      o__avg: 'Orders.avg',
      o__paid: 'Orders.paid',
      o__meta: 'Orders.meta',
      o__created_at_month: 'Orders.createdAt.month',
    },
    annotation: {
      'Orders.count': { type: 'number' },
      'Orders.amount': { type: 'number' },
      'Orders.avg': { type: 'number' },
      'Orders.paid': { type: 'boolean' },
      'Orders.meta': { type: 'string' },
      'Orders.createdAt.month': { type: 'time' },
      'Orders.createdAt': { type: 'time' },
    },
    query: {
      measures: ['Orders.count', 'Orders.amount', 'Orders.avg'],
      dimensions: ['Orders.paid', 'Orders.meta'],
      timeDimensions: [{ dimension: 'Orders.createdAt', granularity: 'month' }],
    },
    queryType: 'regularQuery',
    resType,
  });

  it('passes strings, numbers, booleans and JSON through and keeps nulls', () => {
    const rows = [
      {
        o__created_at_month: '2024-01-01T00:00:00.000',
        o__count: '12', // bigint: pg returns a string
        o__amount: '1234.50', // numeric: pg returns a string
        o__avg: 3.25, // float8: a number
        o__paid: true,
        o__meta: { tier: 'gold' },
      },
      {
        o__created_at_month: null,
        o__count: null,
        o__amount: 0,
        o__avg: Number.NaN, // not representable in JSON: null
        o__paid: false,
        o__meta: null,
      },
    ];
    expect(transformQueryData(request('default'), rows)).toEqual([
      {
        'Orders.createdAt.month': '2024-01-01T00:00:00.000',
        'Orders.count': '12',
        'Orders.amount': '1234.50',
        'Orders.avg': 3.25,
        'Orders.paid': true,
        'Orders.meta': { tier: 'gold' },
        'Orders.createdAt': '2024-01-01T00:00:00.000',
      },
      {
        'Orders.createdAt.month': null,
        'Orders.count': null,
        'Orders.amount': 0,
        'Orders.avg': null,
        'Orders.paid': false,
        'Orders.meta': null,
        'Orders.createdAt': null,
      },
    ]);
  });

  it('handles Date objects, missing keys and extra keys as Cube serialises them', () => {
    const rows: DriverRow[] = [
      { o__created_at_month: new Date(Date.UTC(2024, 1, 1)), o__count: '1' },
      { o__count: '2' }, // key missing in a later row: null
      { o__created_at_month: '2024-03-01 00:00:00', o__count: '3', o__extra: 'ignored' },
      { o__created_at_month: new Date(Number.NaN), o__count: undefined },
    ];
    const data = transformQueryData(request('compact'), rows);
    expect(data).toEqual({
      members: ['Orders.createdAt.month', 'Orders.count', 'Orders.createdAt'],
      dataset: [
        ['2024-02-01T00:00:00.000', '1', '2024-02-01T00:00:00.000'],
        [null, '2', null],
        ['2024-03-01T00:00:00.000', '3', '2024-03-01T00:00:00.000'],
        [null, null, null],
      ],
    });
  });

  it('mirrors rowsToColumnar', () => {
    expect(rowsToColumnar(null)).toEqual({ members: [], columns: [] });
    expect(rowsToColumnar([])).toEqual({ members: [], columns: [] });
    expect(
      rowsToColumnar(
        new Set([
          { a: 1, b: 'x' },
          { b: 'y', a: 2 },
        ]),
      ),
    ).toEqual({
      members: ['a', 'b'],
      columns: [
        [1, 2],
        ['x', 'y'],
      ],
    });
    expect(() => toWireValue(10n)).toThrow(TypeError);
  });
});

// ---------------------------------------------------------------------------------------------
// The /load body of one query
// ---------------------------------------------------------------------------------------------

describe('finalQueryResult', () => {
  const rootFor = (
    c: SuiteCase,
    extra: Partial<RootResultObjectInput> = {},
  ): RootResultObjectInput => ({
    query: c.request.query,
    annotation: { measures: {}, dimensions: {}, segments: {}, timeDimensions: {} },
    slowQuery: false,
    ...extra,
  });

  it('builds the root object in the Rust field order, dropping unknown and null fields', () => {
    const c = fixture(REGULAR_CITY);
    const query = { ...c.request.query, cacheMode: 'stale-if-slow', maskedMembers: undefined };
    const root = {
      query,
      lastRefreshTime: '2024-05-01T10:00:00.000Z',
      usedPreAggregations: {},
      annotation: {
        measures: {
          'ECommerceRecordsUs2021.avg_discount': {
            title: 'Avg Discount',
            shortTitle: 'Avg Discount',
            description: undefined,
            type: 'number',
            format: 'percent',
            currency: undefined,
            meta: undefined,
            drillMembers: [],
            drillMembersGrouped: { measures: [], dimensions: [] },
          },
        },
        dimensions: {
          'ECommerceRecordsUs2021.city': {
            title: 'City',
            type: 'string',
            format: { type: 'link', label: 'Open' },
            granularities: [{ name: 'x', title: 'X', interval: '1 day' }],
          },
        },
        segments: {},
        timeDimensions: {},
      },
      dataSource: 'default',
      dbType: 'postgres',
      extDbType: undefined,
      external: false,
      slowQuery: false,
      total: null,
      somethingElse: true,
    };
    const result = finalQueryResult(withResType(c.request, 'default'), c.queryResult, root);
    expect(result).toEqual({
      query: {
        measures: ['ECommerceRecordsUs2021.avg_discount'],
        dimensions: ['ECommerceRecordsUs2021.city'],
        timeDimensions: [],
        limit: 2,
        timezone: 'UTC',
        filters: [],
        rowLimit: 2,
        order: [],
      },
      lastRefreshTime: '2024-05-01T10:00:00.000Z',
      usedPreAggregations: {},
      annotation: {
        measures: {
          'ECommerceRecordsUs2021.avg_discount': {
            title: 'Avg Discount',
            shortTitle: 'Avg Discount',
            type: 'number',
            format: 'percent',
            drillMembers: [],
            drillMembersGrouped: { measures: [], dimensions: [] },
          },
        },
        dimensions: {
          'ECommerceRecordsUs2021.city': {
            title: 'City',
            type: 'string',
            format: { type: 'link', label: 'Open' },
          },
        },
        segments: {},
        timeDimensions: {},
      },
      dataSource: 'default',
      dbType: 'postgres',
      external: false,
      slowQuery: false,
      data: c.finalResultDefault,
    });
    expect(Object.keys(result)).toEqual([
      'query',
      'lastRefreshTime',
      'usedPreAggregations',
      'annotation',
      'dataSource',
      'dbType',
      'external',
      'slowQuery',
      'data',
    ]);
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });

  it('keeps total, requestId, refreshKeyValues and transformedQuery when set', () => {
    const c = fixture(REGULAR_CITY);
    const result = finalQueryResult(
      withResType(c.request, 'compact'),
      c.queryResult,
      rootFor(c, {
        total: 42,
        requestId: 'req-1',
        refreshKeyValues: [[{ refresh_key: '1' }]],
        transformedQuery: { leafMeasureAdditive: true },
      }),
    );
    expect(result.total).toBe(42);
    expect(result.requestId).toBe('req-1');
    expect(result.refreshKeyValues).toEqual([[{ refresh_key: '1' }]]);
    expect(result.transformedQuery).toEqual({ leafMeasureAdditive: true });
    expect(Object.keys(result)).toEqual([
      'query',
      'refreshKeyValues',
      'transformedQuery',
      'requestId',
      'annotation',
      'slowQuery',
      'total',
      'data',
    ]);
    expectSameTransformedData(result.data ?? [], c.finalResultCompact);
  });

  it('normalises filters as the untagged Rust enum does', () => {
    const c = fixture(REGULAR_CITY);
    c.request.query.filters = [
      { member: 'A.b', operator: 'equals', values: ['x'], extra: 1 },
      { member: 'A.b', operator: 'set' },
      { or: [{ member: 'A.c', operator: 'gt', values: ['1', null], dimension: 'A.c' }] },
      { and: [{ member: 'A.d', operator: 'notSet', values: null }] },
    ];
    const result = finalQueryResult(c.request, c.queryResult, rootFor(c));
    expect(result.query.filters).toEqual([
      { member: 'A.b', operator: 'equals', values: ['x'] },
      { member: 'A.b', operator: 'set' },
      { or: [{ member: 'A.c', operator: 'gt', values: ['1', null], dimension: 'A.c' }] },
      { and: [{ member: 'A.d', operator: 'notSet' }] },
    ]);
    c.request.query.filters = [{ member: 'A.b', operator: 'like', values: ['x'] }];
    expect(() => finalQueryResult(c.request, c.queryResult, rootFor(c))).toThrow(
      /Can't deserialize query filter/,
    );
  });

  it('returns an empty result in every layout', () => {
    const c = fixture(REGULAR_CITY);
    for (const [resType, data] of [
      ['default', []],
      ['compact', { members: [], dataset: [] }],
      ['columnar', { members: [], columns: [] }],
    ] as const) {
      const result = finalQueryResult(withResType(c.request, resType), [], rootFor(c));
      expect(result.data).toEqual(data);
    }
    const compare = fixture(COMPARE);
    expect(finalQueryResult(compare.request, [], rootFor(compare)).data).toEqual([]);
    expect(
      finalQueryResult(withResType(compare.request, 'compact'), undefined, rootFor(compare)).data,
    ).toEqual({ members: [], dataset: [] });
  });

  it('rejects a hidden member even when the result is empty', () => {
    const c = fixture(REGULAR_CITY);
    delete c.request.annotation['ECommerceRecordsUs2021.city'];
    expect(() => finalQueryResult(c.request, [], rootFor(c))).toThrow(
      "You requested hidden member: 'ECommerceRecordsUs2021.city'",
    );
  });

  it('rejects malformed input as serde would', () => {
    const c = fixture(REGULAR_CITY);
    expect(() =>
      finalQueryResult(c.request, c.queryResult, { ...rootFor(c), slowQuery: undefined } as never),
    ).toThrow(/Can't deserialize result data/);
    expect(() =>
      finalQueryResult({ ...c.request, queryType: 'weird' } as never, c.queryResult, rootFor(c)),
    ).toThrow(/Can't deserialize transformData/);
  });
});

// ---------------------------------------------------------------------------------------------
// The /load?queryType=multi body
// ---------------------------------------------------------------------------------------------

interface MultiFixture {
  transformData: TransformDataInput[];
  rows: DriverRow[][];
  responseData: MultiResponseInput;
  expected: FinalQueryResultMulti;
}

describe('finalQueryResultMulti', () => {
  const multi = (): MultiFixture => readFixture('compare-date-range-multi.json') as MultiFixture;

  it('builds a compareDateRange response with its pivotQuery', () => {
    const { transformData, rows, responseData, expected } = multi();
    const result = finalQueryResultMulti(transformData, rows, responseData);
    expect(result).toEqual(expected);
    expect(Object.keys(result)).toEqual(['queryType', 'results', 'pivotQuery', 'slowQuery']);
    const firstRows = result.results[0]?.data as VanillaRow[] | undefined;
    expect(Object.keys(firstRows?.[0] ?? {})).toEqual([
      'Orders.status',
      'Orders.createdAt.day',
      'Orders.count',
      'Orders.createdAt',
      'compareDateRange',
    ]);
    expect(Object.keys(result.pivotQuery ?? {})).toEqual([
      'measures',
      'dimensions',
      'timeDimensions',
      'limit',
      'timezone',
      'filters',
      'rowLimit',
      'order',
      'queryType',
    ]);
  });

  it('leaves results beyond the shortest input list without data (multizip)', () => {
    const { transformData, rows, responseData, expected } = multi();
    const result = finalQueryResultMulti(transformData, rows.slice(0, 1), responseData);
    // The first input's rows are transformed exactly as when every input is there.
    expect(result.results[0]?.data).toEqual(expected.results[0]?.data);
    expect(result.results[0]?.data).not.toEqual([]);
    expect(result.results[1]).not.toHaveProperty('data');
  });

  it('merges measures and time into the blending pivotQuery', () => {
    const first = fixture(BLENDING);
    const second = fixture(BLENDING2);
    const root = (c: SuiteCase): RootResultObjectInput => ({
      query: c.request.query,
      annotation: {},
      slowQuery: true,
    });
    const result = finalQueryResultMulti(
      [first.request, second.request],
      [first.queryResult, second.queryResult],
      { queryType: 'blendingQuery', results: [root(first), root(second)], slowQuery: true },
    );
    expect(result.pivotQuery).toEqual({
      measures: ['ECommerceRecordsUs2021.avg_discount'],
      timeDimensions: [{ dimension: 'time', granularity: 'month' }],
      limit: 2,
      timezone: 'UTC',
      filters: [
        {
          member: 'ECommerceRecordsUs2021.shipMode',
          operator: 'equals',
          values: ['Standard Class'],
        },
      ],
      rowLimit: 2,
      order: [],
      queryType: 'blendingQuery',
    });
    expectSameTransformedData(result.results[0]?.data ?? [], first.finalResultDefault);
    expectSameTransformedData(result.results[1]?.data ?? [], second.finalResultDefault);
    expect(result.slowQuery).toBe(true);
  });

  it('uses the first query as the pivot of a regular query', () => {
    const c = fixture(REGULAR_POSTAL);
    const result = finalQueryResultMulti([c.request], [c.queryResult], {
      queryType: 'regularQuery',
      results: [{ query: c.request.query, annotation: {}, slowQuery: false }],
      slowQuery: false,
    });
    expect(result.pivotQuery).toEqual({ ...result.results[0]?.query, queryType: 'regularQuery' });
    expect(result.results[0]?.data).toEqual(c.finalResultDefault);
  });

  it('get_pivot_query de-duplicates blending members and rejects an empty list', () => {
    expect(
      getPivotQuery('blendingQuery', [
        {
          measures: ['A.x'],
          dimensions: ['A.d'],
          timeDimensions: [{ dimension: 'A.t', granularity: 'day' }],
        },
        { measures: ['B.y', 'A.x'], timeDimensions: [{ dimension: 'B.t', granularity: 'day' }] },
      ]),
    ).toEqual({
      measures: ['A.x', 'B.y'],
      dimensions: ['A.d'],
      timeDimensions: [{ dimension: 'time', granularity: 'day' }],
      queryType: 'blendingQuery',
    });
    expect(getPivotQuery('compareDateRangeQuery', [{ measures: ['A.x'] }])).toEqual({
      measures: ['A.x'],
      dimensions: ['compareDateRange'],
      queryType: 'compareDateRangeQuery',
    });
    expect(() => getPivotQuery('regularQuery', [])).toThrow('Queries list cannot be empty');
  });
});
