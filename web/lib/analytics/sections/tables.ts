/**
 * The rows each Phase 2 widget displays, as CSV-ready tables with human column names (its
 * Explore menu's "Download CSV"). One mapper per widget of every section: the mapped type makes
 * a widget added to a section without a table a type error. Values are the widget's own numbers
 * (the `data-value` of what it shows); each numeric column names its kind, so the file rounds
 * them as the screen does and names the unit in the header (a 0–1 share is written "Share (%)").
 */
import { shareRest, type ValueKind } from '../../format';
import type { Granularity } from '../../timeframe';
import type { ExploreTable } from '../explore';
import { BUCKET_LABELS } from '../exploreTables';
import type { SectionWidget, WidgetData } from './define';
import type { SECTIONS, SectionId } from './index';
import { FUNNEL_LABELS } from './monetization';

type Sections = typeof SECTIONS;
type DataOf<W> = W extends SectionWidget ? WidgetData<W> : never;
export type SectionTables = {
  readonly [S in SectionId]: {
    readonly [K in keyof Sections[S]['widgets']]: (
      data: DataOf<Sections[S]['widgets'][K]>,
      granularity: Granularity,
    ) => ExploreTable;
  };
};

const EDIT_KIND_LABELS = { structural: 'Structural', creative: 'Creative', surgical: 'Surgical' };

const col = (key: string, label: string, kind?: ValueKind) => ({
  key,
  label,
  ...(kind ? { kind } : {}),
});

export const SECTION_TABLES: SectionTables = {
  releases: {
    list: (rows) => ({
      columns: [
        col('id', 'Release ID'),
        col('version', 'Version'),
        col('title', 'Title'),
        col('publishedAt', 'Published (UTC)'),
        col('views', 'Views', 'count'),
        col('videoUrl', 'Video'),
        col('thumbnailUrl', 'Thumbnail'),
      ],
      rows: rows.map((r) => ({
        id: r.id,
        version: r.version,
        title: r.title,
        publishedAt: r.publishedAt,
        views: r.views,
        videoUrl: r.videoUrl,
        thumbnailUrl: r.thumbnailUrl,
      })),
    }),
    coverage: (d) => ({
      columns: [
        col('published', 'Published releases', 'count'),
        col('video', 'With video', 'share'),
        col('thumbnail', 'With thumbnail', 'share'),
        col('both', 'With both', 'share'),
      ],
      rows: [{ published: d.published, video: d.video, thumbnail: d.thumbnail, both: d.both }],
    }),
    cadence: (d) => ({
      columns: [col('medianDays', 'Median time between releases', 'days')],
      rows: [{ medianDays: d.medianDays }],
    }),
  },
  exports: {
    totals: (d) => ({
      columns: [
        col('exports', 'Exports', 'count'),
        col('completed', 'Completed', 'count'),
        col('failed', 'Failed', 'count'),
        col('successRate', 'Success rate', 'share'),
        col('avgRenderSeconds', 'Average render time', 'seconds'),
        col('videoMinutes', 'Video exported', 'minutes'),
      ],
      rows: [{ ...d }],
    }),
    formats: (rows) => ({
      columns: [
        col('format', 'Format'),
        col('exports', 'Exports', 'count'),
        col('share', 'Share', 'share'),
      ],
      rows: rows.map((r) => ({ format: r.format, exports: r.exports, share: r.share })),
    }),
    errors: (d) => ({
      columns: [
        col('rank', 'Rank', 'count'),
        col('message', 'Message'),
        col('count', 'Failures', 'count'),
        col('share', 'Share of failures', 'share'),
      ],
      // The widget also shows the total; it closes the file as a row of its own.
      rows: [
        ...d.top.map((r, i) => ({
          rank: i + 1,
          message: r.message,
          count: r.count,
          share: r.share,
        })),
        {
          rank: null,
          message: 'All failures',
          count: d.failures,
          share: d.failures === 0 ? null : 1,
        },
      ],
    }),
    phases: (rows) => ({
      columns: [
        col('phase', 'Phase'),
        col('medianMs', 'Median', 'milliseconds'),
        col('p95Ms', 'p95', 'milliseconds'),
      ],
      rows: rows.map((r) => ({ phase: r.phase, medianMs: r.medianMs, p95Ms: r.p95Ms })),
    }),
    finalizing: (d, granularity) => ({
      columns: [
        col('scope', 'Scope'),
        col('share', 'Finalizing share', 'share'),
        col('finalizingSeconds', 'Finalizing', 'seconds'),
        col('renderSeconds', 'Render time', 'seconds'),
      ],
      // Overall first, then each format, then each bucket of the trend.
      rows: [
        {
          scope: 'All formats',
          share: d.share,
          finalizingSeconds: d.finalizingSeconds,
          renderSeconds: d.renderSeconds,
        },
        ...d.byFormat.map((r) => ({
          scope: r.format,
          share: r.share,
          finalizingSeconds: r.finalizingSeconds,
          renderSeconds: r.renderSeconds,
        })),
        // Buckets without a finalized export (gaps in the chart) are left out, as on screen.
        ...d.trend
          .flatMap((b) => (b.share === null ? [] : [b]))
          .map((b) => ({
            scope: `${BUCKET_LABELS[granularity]} ${b.bucket}`,
            share: b.share,
            finalizingSeconds: null,
            renderSeconds: null,
          })),
      ],
    }),
    failedIn: (d) => ({
      columns: [
        col('phase', 'Last phase before failing'),
        col('failures', 'Failures', 'count'),
        col('share', 'Share of failures', 'share'),
      ],
      rows: d.phases.map((r) => ({ phase: r.phase, failures: r.failures, share: r.share })),
    }),
    stuck: (d) => ({
      columns: [col('phase', 'Stuck in phase'), col('exports', 'Exports', 'count')],
      rows: [...d.phases, { phase: 'All phases', exports: d.total }],
    }),
  },
  engagement: {
    prompts: (d) => ({
      columns: [
        col('perUser', 'Prompts per user', 'ratio'),
        col('prompts', 'Prompts', 'count'),
        col('activeUsers', 'Active users', 'count'),
      ],
      rows: [{ perUser: d.perUser, prompts: d.prompts, activeUsers: d.activeUsers }],
    }),
    iterations: (d) => ({
      columns: [
        col('average', 'Average iterations', 'ratio'),
        col('scenes', 'Scenes that succeeded', 'count'),
      ],
      rows: [{ average: d.average, scenes: d.scenes }],
    }),
    editMix: (d) => ({
      columns: [
        col('kind', 'Kind'),
        col('count', 'Edits', 'count'),
        col('share', 'Share', 'share'),
      ],
      rows: d.kinds.map((k) => ({
        kind: EDIT_KIND_LABELS[k.kind],
        count: k.count,
        share: k.share,
      })),
    }),
    firstScene: (d) => ({
      columns: [
        // In seconds, the unit the screen shows a short wait in ("15.8 s").
        col('averageSeconds', 'Average time to first scene', 'seconds'),
        col('projects', 'Projects', 'count'),
      ],
      rows: [
        {
          averageSeconds: d.averageMinutes === null ? null : d.averageMinutes * 60,
          projects: d.projects,
        },
      ],
    }),
  },
  monetization: {
    funnel: (steps) => ({
      columns: [
        col('step', 'Step'),
        col('count', 'Count', 'count'),
        col('conversion', 'Conversion', 'share'),
        col('dropOff', 'Drop-off', 'share'),
      ],
      rows: steps.map((s) => ({
        step: FUNNEL_LABELS[s.step],
        count: s.count,
        conversion: s.conversion,
        // As on screen: the rest of the rounded conversion, so the two add up to 100 %.
        dropOff: shareRest(s.conversion),
      })),
    }),
    credits: (d, granularity) => {
      const used = new Map(d.used.map((b) => [b.bucket, b.count] as const));
      return {
        columns: [
          col('bucket', BUCKET_LABELS[granularity]),
          col('purchased', 'Credits purchased', 'count'),
          col('used', 'Credits used', 'count'),
        ],
        // Both series share their buckets (monetization.ts zero-fills them alike).
        rows: d.purchased.map((b) => ({
          bucket: b.bucket,
          purchased: b.count,
          used: used.get(b.bucket) ?? 0,
        })),
      };
    },
  },
  llm: {
    summary: (d) => ({
      columns: [
        col('calls', 'Calls', 'count'),
        col('totalTokens', 'Tokens', 'count'),
        col('successRate', 'Success rate', 'share'),
        col('errorRate', 'Error rate', 'share'),
      ],
      rows: [
        {
          calls: d.calls,
          totalTokens: d.totalTokens,
          successRate: d.successRate,
          errorRate: d.errorRate,
        },
      ],
    }),
    models: (rows) => ({
      columns: [
        col('provider', 'Provider'),
        col('model', 'Model'),
        col('inputTokens', 'Input tokens', 'count'),
        col('outputTokens', 'Output tokens', 'count'),
        col('totalTokens', 'Total tokens', 'count'),
      ],
      rows: rows.map((r) => ({
        provider: r.provider,
        model: r.model,
        inputTokens: r.inputTokens,
        outputTokens: r.outputTokens,
        totalTokens: r.totalTokens,
      })),
    }),
    latency: (rows) => ({
      columns: [
        col('provider', 'Provider'),
        col('avgMs', 'Average', 'milliseconds'),
        col('p95Ms', 'p95', 'milliseconds'),
      ],
      rows: rows.map((r) => ({ provider: r.provider, avgMs: r.avgMs, p95Ms: r.p95Ms })),
    }),
    tools: (rows) => ({
      columns: [
        col('tool', 'Tool'),
        col('calls', 'Calls', 'count'),
        col('errors', 'Errors', 'count'),
        col('errorRate', 'Error rate', 'share'),
      ],
      rows: rows.map((r) => ({
        tool: r.tool,
        calls: r.calls,
        errors: r.errors,
        errorRate: r.errorRate,
      })),
    }),
    hotspots: (rows) => ({
      columns: [
        col('tool', 'Tool'),
        col('errorType', 'Error type'),
        col('errors', 'Errors', 'count'),
      ],
      rows: rows.map((r) => ({ tool: r.tool, errorType: r.errorType, errors: r.errors })),
    }),
  },
  assets: {
    types: (rows) => ({
      columns: [
        col('type', 'Type'),
        col('uploads', 'Uploads', 'count'),
        col('bytes', 'Size', 'bytes'),
      ],
      rows: rows.map((r) => ({ type: r.type, uploads: r.uploads, bytes: r.bytes })),
    }),
    reuse: (d) => ({
      columns: [
        col('reuseRate', 'Reuse rate', 'share'),
        col('reused', 'Reused', 'count'),
        col('newAssets', 'New', 'count'),
        col('uploads', 'Uploads', 'count'),
      ],
      rows: [
        {
          reuseRate: d.reuseRate,
          reused: d.reused,
          newAssets: d.newAssets,
          uploads: d.uploads,
        },
      ],
    }),
    sizes: (rows) => ({
      columns: [col('bucket', 'Size'), col('uploads', 'Uploads', 'count')],
      rows: rows.map((r) => ({ bucket: r.bucket, uploads: r.uploads })),
    }),
  },
};
