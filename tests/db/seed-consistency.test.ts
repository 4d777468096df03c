// The demo data keeps the promises the dashboards rely on: references hold, counters agree
// with the rows they summarise, funnels only narrow, export trails match their status.
// Each query counts violations; 0 is the only passing answer.
import { describe, expect, inject, it } from 'vitest';
import { count, query } from './helpers';

const pg = inject('pg');
const now = inject('seededNow');

const violations = (sql: string) => count(pg, `SELECT count(*) FROM (${sql}) v`);

describe('references', () => {
  it.each([
    [
      'projects.user_id',
      'SELECT 1 FROM projects p LEFT JOIN users u ON u.id = p.user_id WHERE u.id IS NULL',
    ],
    [
      'template_usage.template_id',
      'SELECT 1 FROM template_usage x LEFT JOIN templates t ON t.id = x.template_id WHERE t.id IS NULL',
    ],
    [
      'export_analytics.export_id',
      'SELECT 1 FROM export_analytics x LEFT JOIN exports e ON e.id = x.export_id WHERE e.id IS NULL',
    ],
    [
      'scene_iterations.scene_id',
      'SELECT 1 FROM scene_iterations x LEFT JOIN scenes s ON s.id = x.scene_id WHERE s.id IS NULL',
    ],
  ])('%s points at an existing row', async (_name, sql) => {
    expect(await violations(sql)).toBe(0);
  });

  // Not foreign keys in the contract, but the data must still make sense.
  it.each([
    'template_usage',
    'exports',
    'messages',
    'scenes',
    'scene_iterations',
    'project_memory',
  ])('%s rows belong to an existing project of the same user', async (table) => {
    expect(
      await violations(
        `SELECT 1 FROM ${table} x LEFT JOIN projects p ON p.id = x.project_id
          WHERE p.id IS NULL OR p.user_id <> x.user_id OR x.created_at < p.created_at`,
      ),
    ).toBe(0);
  });

  it.each([
    'export_analytics',
    'paywall_events',
    'credit_transactions',
    'user_credits',
    'api_usage_metrics',
  ])('%s rows belong to an existing user', async (table) => {
    expect(
      await violations(
        `SELECT 1 FROM ${table} x LEFT JOIN users u ON u.id = x.user_id WHERE u.id IS NULL`,
      ),
    ).toBe(0);
  });

  it('iterations follow their scene in its project, and their prompt is a user message there', async () => {
    expect(
      await violations(
        `SELECT 1 FROM scene_iterations i JOIN scenes s ON s.id = i.scene_id
           LEFT JOIN messages m ON m.id = i.message_id
          WHERE s.project_id <> i.project_id OR i.created_at < s.created_at
             OR (i.message_id IS NOT NULL AND (m.id IS NULL OR m.role <> 'user'
                 OR m.project_id <> i.project_id OR m.created_at > i.created_at))`,
      ),
    ).toBe(0);
  });

  it('every timestamp lies in the 13+ months of history ending at now', async () => {
    for (const [table, column] of [
      ['users', 'created_at'],
      ['messages', 'created_at'],
      ['export_analytics', 'created_at'],
      ['exports', 'completed_at'],
      ['paywall_events', 'created_at'],
      ['credit_transactions', 'created_at'],
      ['api_usage_metrics', 'created_at'],
      ['changelog_entries', 'published_at'],
    ]) {
      expect(
        await violations(
          `SELECT 1 FROM ${table} WHERE ${column} > $1::timestamptz OR ${column} < $1::timestamptz - interval '401 days'`.replaceAll(
            '$1',
            `'${now}'`,
          ),
        ),
        `${table}.${column}`,
      ).toBe(0);
    }
    const span = await count(
      pg,
      `SELECT extract(epoch from max(created_at) - min(created_at)) / 86400 FROM messages`,
    );
    expect(span).toBeGreaterThan(395);
  });
});

describe('templates', () => {
  it('usage_count is never below the tracked template_usage rows', async () => {
    expect(
      await violations(
        `SELECT 1 FROM templates t LEFT JOIN template_usage u ON u.template_id = t.id
          GROUP BY t.id, t.usage_count HAVING t.usage_count < count(u.id)`,
      ),
    ).toBe(0);
  });

  it('usage is Zipf-like, some thumbnails are missing and some templates are retired', async () => {
    const uses = (
      await query<{ n: number }>(
        pg,
        `SELECT count(u.id)::int AS n FROM templates t LEFT JOIN template_usage u ON u.template_id = t.id
          GROUP BY t.id ORDER BY 1 DESC`,
      )
    ).map((r) => r.n);
    const median = uses[Math.floor(uses.length / 2)] ?? 0;
    expect(uses[0]).toBeGreaterThan(4 * median);
    expect(
      await count(pg, 'SELECT count(*) FROM templates WHERE thumbnail_url IS NULL'),
    ).toBeGreaterThan(0);
    expect(await count(pg, 'SELECT count(*) FROM templates WHERE NOT is_active')).toBeGreaterThan(
      0,
    );
  });
});

describe('exports', () => {
  it('succeed 85-90 % of the time, with realistic errors only on failures', async () => {
    const rate = await count(pg, `SELECT avg((status = 'completed')::int) FROM exports`);
    expect(rate).toBeGreaterThan(0.84);
    expect(rate).toBeLessThan(0.91);
    expect(
      await violations(
        `SELECT 1 FROM exports WHERE (status = 'failed') <> (error_message IS NOT NULL)
            OR (status = 'completed') <> (file_size_bytes IS NOT NULL AND completed_at IS NOT NULL)
            OR (status IN ('completed', 'failed')) <> (render_duration_ms IS NOT NULL)
            OR completed_at < created_at`,
      ),
    ).toBe(0);
    expect(
      await count(pg, `SELECT count(DISTINCT error_message) FROM exports WHERE status = 'failed'`),
    ).toBeGreaterThanOrEqual(5);
  });

  it('some recent or stuck exports are still pending or rendering', async () => {
    expect(
      await count(pg, `SELECT count(*) FROM exports WHERE status IN ('pending', 'rendering')`),
    ).toBeGreaterThan(0);
  });

  it("each export's event trail matches its status", async () => {
    const trails = `
      SELECT e.id, e.status, e.error_message, e.created_at, e.completed_at, e.render_duration_ms,
             count(*) FILTER (WHERE a.event = 'started') AS started,
             count(*) FILTER (WHERE a.event = 'progress') AS progress,
             count(*) FILTER (WHERE a.event = 'finalizing') AS finalizing,
             count(*) FILTER (WHERE a.event = 'completed') AS completed,
             count(*) FILTER (WHERE a.event = 'failed') AS failed,
             count(*) FILTER (WHERE a.event = 'downloaded') AS downloaded,
             count(*) FILTER (WHERE a.event = 'failed' AND a.error_message IS NOT DISTINCT FROM e.error_message) AS failed_same_error,
             count(*) FILTER (WHERE a.event <> 'failed' AND a.error_message IS NOT NULL) AS stray_errors,
             count(*) FILTER (WHERE a.created_at < e.created_at) AS before_export,
             max(a.created_at) FILTER (WHERE a.event = 'completed') AS completed_event_at,
             min(a.created_at) FILTER (WHERE a.event = 'started') AS started_at,
             max(a.created_at) FILTER (WHERE a.event IN ('started', 'progress', 'finalizing')) AS last_step_at,
             max(a.created_at) FILTER (WHERE a.event IN ('completed', 'failed')) AS ended_at,
             max(a.created_at) FILTER (WHERE a.event = 'downloaded') AS downloaded_at
        FROM exports e LEFT JOIN export_analytics a ON a.export_id = e.id
       GROUP BY e.id`;
    const bad = await query<{ id: string; status: string }>(
      pg,
      `SELECT id, status FROM (${trails}) t WHERE NOT CASE status
         WHEN 'completed' THEN started = 1 AND progress >= 1 AND finalizing = 1 AND completed = 1
              AND failed = 0 AND downloaded <= 1 AND completed_event_at = completed_at
              AND last_step_at <= ended_at AND coalesce(downloaded_at >= ended_at, true)
              AND render_duration_ms = extract(epoch from ended_at - started_at) * 1000
         WHEN 'failed' THEN started = 1 AND failed = 1 AND failed_same_error = 1 AND finalizing = 0
              AND completed = 0 AND downloaded = 0 AND last_step_at <= ended_at
         WHEN 'rendering' THEN started = 1 AND finalizing + completed + failed + downloaded = 0
         WHEN 'pending' THEN started + progress + finalizing + completed + failed + downloaded = 0
         ELSE false END OR stray_errors > 0 OR before_export > 0 LIMIT 5`,
    );
    expect(bad).toEqual([]);
  });

  it('incident errors come in bursts', async () => {
    // Share of failures that have a twin (same message, another export, within 12 hours):
    // high for the messages only incidents produce, low for everyday failures.
    const [row] = await query<{ incident: number; everyday: number }>(
      pg,
      `WITH failed AS (
         SELECT e.error_message IN (
                  'Render worker unavailable: no capacity in render pool',
                  'Upload to storage failed: 503 Slow Down',
                  'License check failed for font service: 502 Bad Gateway') AS incident,
                EXISTS (SELECT 1 FROM exports o WHERE o.status = 'failed' AND o.id <> e.id
                          AND o.error_message = e.error_message
                          AND abs(extract(epoch FROM o.created_at - e.created_at)) < 43200) AS twin
           FROM exports e WHERE e.status = 'failed')
       SELECT avg(twin::int) FILTER (WHERE incident)::float AS incident,
              avg(twin::int) FILTER (WHERE NOT incident)::float AS everyday
         FROM failed`,
    );
    expect(row?.incident).toBeGreaterThan(0.4);
    expect(row?.incident).toBeGreaterThan(2 * (row?.everyday ?? 1));
  });
});

describe('monetization', () => {
  it('user_credits agree with credit_transactions', async () => {
    expect(
      await violations(
        `SELECT 1 FROM users u
           LEFT JOIN user_credits c ON c.user_id = u.id
           LEFT JOIN (SELECT user_id, sum(amount) AS balance,
                             sum(amount) FILTER (WHERE type = 'purchase') AS purchased,
                             -sum(amount) FILTER (WHERE type = 'usage') AS used,
                             max(created_at) AS last_at
                        FROM credit_transactions GROUP BY user_id) t ON t.user_id = u.id
          WHERE c.user_id IS NULL OR c.balance <> coalesce(t.balance, 0)
             OR c.lifetime_purchased <> coalesce(t.purchased, 0)
             OR c.lifetime_used <> coalesce(t.used, 0) OR c.balance < 0
             OR c.updated_at < coalesce(t.last_at, c.updated_at)`,
      ),
    ).toBe(0);
    expect(await count(pg, 'SELECT count(*) FROM user_credits')).toBe(
      await count(pg, 'SELECT count(*) FROM users'),
    );
  });

  it('the paywall funnel narrows at every step, overall and per trigger', async () => {
    const steps = await query<{ trigger: string; v: number; c: number; i: number; p: number }>(
      pg,
      `SELECT coalesce(trigger, 'all') AS trigger,
              count(*) FILTER (WHERE event_type = 'viewed')::int AS v,
              count(*) FILTER (WHERE event_type = 'clicked_package')::int AS c,
              count(*) FILTER (WHERE event_type = 'initiated_checkout')::int AS i,
              count(*) FILTER (WHERE event_type = 'completed_purchase')::int AS p
         FROM paywall_events GROUP BY ROLLUP (trigger)`,
    );
    expect(steps).toHaveLength(4);
    for (const s of steps) {
      expect(s.v, s.trigger).toBeGreaterThan(s.c);
      expect(s.c, s.trigger).toBeGreaterThan(s.i);
      expect(s.i, s.trigger).toBeGreaterThan(s.p);
      expect(s.p, s.trigger).toBeGreaterThan(0);
    }
    expect(
      await violations(
        `SELECT 1 FROM paywall_events WHERE (event_type = 'viewed') = (package_id IS NOT NULL)`,
      ),
    ).toBe(0);
  });

  it('every conversion is one credit purchase (same user, package, time) and vice versa', async () => {
    const unmatched = `
      SELECT user_id, package_id, created_at FROM paywall_events WHERE event_type = 'completed_purchase'
      EXCEPT ALL
      SELECT user_id, package_id, created_at FROM credit_transactions WHERE type = 'purchase'`;
    const reverse = `
      SELECT user_id, package_id, created_at FROM credit_transactions WHERE type = 'purchase'
      EXCEPT ALL
      SELECT user_id, package_id, created_at FROM paywall_events WHERE event_type = 'completed_purchase'`;
    expect(await violations(unmatched)).toBe(0);
    expect(await violations(reverse)).toBe(0);
    expect(
      await violations(
        `SELECT 1 FROM credit_transactions WHERE (type = 'purchase') <> (price_cents IS NOT NULL AND package_id IS NOT NULL)`,
      ),
    ).toBe(0);
  });

  it('paywall_analytics is the daily summary of paywall_events and purchases, every day', async () => {
    expect(
      await violations(
        `WITH days AS (
           SELECT d::date AS date FROM generate_series(
             (SELECT min(date) FROM paywall_analytics), (SELECT max(date) FROM paywall_analytics), '1 day') d),
         events AS (
           SELECT (created_at AT TIME ZONE 'UTC')::date AS date,
                  count(DISTINCT user_id) FILTER (WHERE event_type = 'viewed') AS viewers,
                  count(DISTINCT user_id) FILTER (WHERE event_type = 'clicked_package') AS clickers,
                  count(*) FILTER (WHERE event_type = 'initiated_checkout') AS checkouts,
                  count(*) FILTER (WHERE event_type = 'completed_purchase') AS conversions
             FROM paywall_events GROUP BY 1),
         revenue AS (
           SELECT (created_at AT TIME ZONE 'UTC')::date AS date, sum(price_cents) AS cents
             FROM credit_transactions WHERE type = 'purchase' GROUP BY 1)
         SELECT 1 FROM days
           LEFT JOIN paywall_analytics a USING (date)
           LEFT JOIN events e USING (date)
           LEFT JOIN revenue r USING (date)
          WHERE a.date IS NULL
             OR a.unique_viewers <> coalesce(e.viewers, 0) OR a.unique_clickers <> coalesce(e.clickers, 0)
             OR a.checkouts <> coalesce(e.checkouts, 0) OR a.conversions <> coalesce(e.conversions, 0)
             OR a.revenue_cents <> coalesce(r.cents, 0)`,
      ),
    ).toBe(0);
    expect(
      await count(
        pg,
        `SELECT count(*) FROM paywall_events WHERE (created_at AT TIME ZONE 'UTC')::date NOT IN (SELECT date FROM paywall_analytics)`,
      ),
    ).toBe(0);
  });
});

describe('engagement', () => {
  it('every scene starts with its create iteration; complexity only on edits', async () => {
    expect(
      await violations(
        `SELECT 1 FROM (SELECT DISTINCT ON (scene_id) scene_id, operation_type
                          FROM scene_iterations ORDER BY scene_id, created_at, id) f
          WHERE operation_type <> 'create'`,
      ),
    ).toBe(0);
    expect(
      await violations(
        'SELECT 1 FROM scenes s WHERE NOT EXISTS (SELECT 1 FROM scene_iterations i WHERE i.scene_id = s.id)',
      ),
    ).toBe(0);
    expect(
      await violations(
        `SELECT 1 FROM scene_iterations WHERE (operation_type = 'edit') <> (edit_complexity IS NOT NULL)`,
      ),
    ).toBe(0);
  });

  it('iterations-to-success vary: mostly first time, sometimes several tries, some never', async () => {
    const rows = await query<{ first_ok: number | null; n: number }>(
      pg,
      `WITH r AS (SELECT scene_id, outcome, row_number() OVER (PARTITION BY scene_id ORDER BY created_at, id) AS n
                    FROM scene_iterations)
       SELECT first_ok::int AS first_ok, count(*)::int AS n
         FROM (SELECT scene_id, min(n) FILTER (WHERE outcome = 'success') AS first_ok FROM r GROUP BY 1) f
        GROUP BY 1`,
    );
    const total = rows.reduce((sum, r) => sum + r.n, 0);
    const share = (pred: (r: { first_ok: number | null }) => boolean) =>
      rows.filter(pred).reduce((sum, r) => sum + r.n, 0) / total;
    expect(share((r) => r.first_ok === 1)).toBeGreaterThan(0.5);
    expect(share((r) => (r.first_ok ?? 0) >= 2)).toBeGreaterThan(0.1);
    expect(share((r) => r.first_ok === null)).toBeGreaterThan(0);
    expect(
      await count(
        pg,
        `SELECT count(DISTINCT (operation_type, edit_complexity, outcome)) FROM scene_iterations`,
      ),
    ).toBeGreaterThanOrEqual(12);
  });

  it("a project's first scene follows its first prompt", async () => {
    expect(
      await violations(
        `SELECT 1 FROM (SELECT project_id, min(created_at) AS t FROM scenes GROUP BY 1) s
           LEFT JOIN (SELECT project_id, min(created_at) AS t FROM messages WHERE role = 'user' GROUP BY 1) m
             USING (project_id)
          WHERE m.t IS NULL OR s.t < m.t`,
      ),
    ).toBe(0);
  });

  it('activity grows over the year and follows weekday and hour-of-day seasonality', async () => {
    const [row] = await query<{
      first: number;
      last: number;
      weekday: number;
      weekend: number;
      peak: number;
      trough: number;
    }>(
      pg,
      `SELECT count(*) FILTER (WHERE created_at < $1::timestamptz - interval '310 days')::float AS first,
              count(*) FILTER (WHERE created_at >= $1::timestamptz - interval '90 days')::float AS last,
              count(*) FILTER (WHERE extract(isodow FROM created_at AT TIME ZONE 'UTC') <= 5)::float / 5 AS weekday,
              count(*) FILTER (WHERE extract(isodow FROM created_at AT TIME ZONE 'UTC') > 5)::float / 2 AS weekend,
              count(*) FILTER (WHERE extract(hour FROM created_at AT TIME ZONE 'UTC') BETWEEN 14 AND 17)::float AS peak,
              count(*) FILTER (WHERE extract(hour FROM created_at AT TIME ZONE 'UTC') BETWEEN 2 AND 5)::float AS trough
         FROM messages`,
      [now],
    );
    expect(row).toBeDefined();
    if (row === undefined) return;
    expect(row.last).toBeGreaterThan(2 * row.first);
    expect(row.weekday).toBeGreaterThan(1.15 * row.weekend);
    expect(row.peak).toBeGreaterThan(2 * row.trough);
  });
});

describe('LLM usage', () => {
  it('spans providers and models with long-tailed latency and typed errors', async () => {
    const [row] = await query<{
      providers: number;
      models: number;
      p50: number;
      p99: number;
      ok: number;
    }>(
      pg,
      `SELECT count(DISTINCT provider)::int AS providers, count(DISTINCT model)::int AS models,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY response_time_ms) AS p50,
              percentile_cont(0.99) WITHIN GROUP (ORDER BY response_time_ms) AS p99,
              avg(success::int)::float AS ok
         FROM api_usage_metrics`,
    );
    expect(row?.providers).toBe(3);
    expect(row?.models).toBeGreaterThanOrEqual(6);
    expect((row?.p99 ?? 0) / (row?.p50 ?? 1)).toBeGreaterThan(3);
    expect(row?.ok).toBeGreaterThan(0.9);
    expect(row?.ok).toBeLessThan(0.995);
    expect(
      await violations('SELECT 1 FROM api_usage_metrics WHERE success = (error_type IS NOT NULL)'),
    ).toBe(0);
    expect(
      await count(pg, 'SELECT count(DISTINCT error_type) FROM api_usage_metrics'),
    ).toBeGreaterThanOrEqual(4);
  });
});

describe('releases and assets', () => {
  it('releases ship every 1-3 weeks; some have video or thumbnails, some are drafts', async () => {
    const gaps = (
      await query<{ days: number }>(
        pg,
        `SELECT extract(epoch FROM published_at - lag(published_at) OVER (ORDER BY published_at))::float / 86400 AS days
           FROM changelog_entries WHERE status = 'published'`,
      )
    )
      .map((r) => r.days)
      .filter((d) => d !== null);
    expect(gaps.length).toBeGreaterThan(15);
    for (const days of gaps) {
      expect(days).toBeGreaterThan(6);
      expect(days).toBeLessThan(23);
    }
    const [row] = await query<{
      drafts: number;
      videos: number;
      bare: number;
      draft_dates: number;
    }>(
      pg,
      `SELECT count(*) FILTER (WHERE status = 'draft')::int AS drafts,
              count(*) FILTER (WHERE video_url IS NOT NULL)::int AS videos,
              count(*) FILTER (WHERE video_url IS NULL AND thumbnail_url IS NULL)::int AS bare,
              count(*) FILTER (WHERE status = 'draft' AND (published_at IS NOT NULL OR view_count > 0))::int AS draft_dates
         FROM changelog_entries`,
    );
    expect(row?.drafts).toBeGreaterThan(0);
    expect(row?.videos).toBeGreaterThan(0);
    expect(row?.bare).toBeGreaterThan(0);
    expect(row?.draft_dates).toBe(0);
  });

  it('recent releases carry a thumbnail and a video the app serves, so the 30-day view has media', async () => {
    const [row] = await query<{ recent: number; without_media: number; elsewhere: number }>(
      pg,
      `SELECT count(*) FILTER (WHERE published_at >= $1::timestamptz - interval '30 days')::int AS recent,
              count(*) FILTER (WHERE published_at >= $1::timestamptz - interval '45 days'
                                 AND (video_url IS NULL OR thumbnail_url IS NULL))::int AS without_media,
              count(*) FILTER (WHERE video_url NOT LIKE '/release-media/%.webm'
                                  OR thumbnail_url NOT LIKE '/release-media/%.svg')::int AS elsewhere
         FROM changelog_entries WHERE status = 'published'`,
      [now],
    );
    expect(row?.recent).toBeGreaterThan(0);
    expect(row?.without_media).toBe(0);
    expect(row?.elsewhere).toBe(0);
  });

  it('uploaded assets follow the contract shape and some urls are reused across projects', async () => {
    expect(
      await violations(
        `SELECT 1 FROM project_memory WHERE memory_type = 'uploaded_asset' AND NOT (
           memory_value ?& array['url', 'asset_type', 'size_bytes', 'file_name']
           AND memory_value ->> 'asset_type' IN ('image', 'video', 'audio', 'logo'))`,
      ),
    ).toBe(0);
    expect(
      await count(
        pg,
        `SELECT count(*) FROM (SELECT memory_value ->> 'url' FROM project_memory WHERE memory_type = 'uploaded_asset'
                                GROUP BY 1 HAVING count(DISTINCT project_id) > 1) r`,
      ),
    ).toBeGreaterThan(0);
    expect(await count(pg, 'SELECT count(DISTINCT memory_type) FROM project_memory')).toBe(3);
  });
});
