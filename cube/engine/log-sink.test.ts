import { describe, expect, test } from 'vitest';
import { redactingLogSink } from './log-sink';

describe('the log sink redacts only what it prints', () => {
  const event = {
    query: { filters: [{ member: 'users.email', operator: 'equals', values: ['a@b.example'] }] },
    sqlQuery: { sql: ['SELECT 1 WHERE email = $1', ['a@b.example']] },
  };

  test('a printed event has its filter values and statement parameters redacted', () => {
    const lines: string[] = [];
    redactingLogSink(
      (message) => message === 'Error querying db',
      (line) => lines.push(line),
    )('Error querying db', event);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\[cube\] Error querying db \{/);
    expect(lines[0]).not.toContain('a@b.example');
    expect(lines[0]).toContain('SELECT 1 WHERE email = $1');
    // The caller's event is not changed.
    expect(event.query.filters[0]?.values).toEqual(['a@b.example']);
  });

  test('an event that is not printed is neither printed nor walked', () => {
    const lines: string[] = [];
    const walked = new Proxy(event, {
      ownKeys: () => {
        throw new Error('walked');
      },
    });
    redactingLogSink(
      () => false,
      (line) => lines.push(line),
    )('Load Request Success', walked);
    expect(lines).toEqual([]);
  });
});
