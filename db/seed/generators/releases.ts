import { RELEASE_MEDIA_PATH } from '../../../web/lib/release-media/path';
import type { SeedContext } from '../context';
import { logNormal } from '../distributions';
import { Rng } from '../rng';
import { MS_PER_DAY, MS_PER_HOUR } from '../time';
import { RELEASE_TITLES } from '../vocabulary';

// Changelog entries: a release every one to three weeks. Each is read mostly in its first days
// (views decay with age, in proportion to the audience at release time); about half come with
// a thumbnail, fewer with a video; the next releases are still drafts. Since the changelog began
// embedding media (MEDIA_SINCE_DAYS ago), every release carries a thumbnail and a video. Media
// URLs point at the app, which serves the demo's files (web/lib/release-media/media.ts).

const MEDIA_SINCE_DAYS = 45;

const VIEW_HALF_LIFE_DAYS = 6;

export function writeReleases(ctx: SeedContext, audienceAt: (ms: number) => number): void {
  const rng = Rng.derive(ctx.seed, 'releases');
  const { startMs, nowMs } = ctx.calendar;
  let minor = 0;
  let patch = 0;
  let n = 0;
  const entry = (
    status: 'draft' | 'published',
    createdMs: number,
    publishedMs: number | null,
    views: number,
  ) => {
    const id = ctx.ids.changelog_entries.id(n++);
    const major = rng.chance(0.3) || minor === 0;
    if (major) {
      minor++;
      patch = 0;
    } else {
      patch++;
    }
    // Both draws always happen, so the rest of the stream (views) is the same with or without media.
    const recent =
      publishedMs !== null && ctx.calendar.nowMs - publishedMs < MEDIA_SINCE_DAYS * MS_PER_DAY;
    const video = rng.chance(major ? 0.6 : 0.2) || recent;
    const thumbnail = rng.chance(0.3) || video;
    const title = rng.pick(RELEASE_TITLES);
    const slug = `v1-${minor}-${patch}`;
    ctx.out.changelog_entries
      .row()
      .text(id)
      .text(title)
      .text(`1.${minor}.${patch}`)
      .text(status)
      .timestampOrNull(publishedMs)
      .int(views)
      .textOrNull(video ? `${RELEASE_MEDIA_PATH}/${slug}.webm` : null)
      .textOrNull(thumbnail ? `${RELEASE_MEDIA_PATH}/${slug}.svg` : null)
      .timestamp(createdMs);
  };

  for (let t = startMs + rng.int(3, 10) * MS_PER_DAY; t < nowMs; ) {
    // Releases go out in the (European) afternoon.
    const day = Math.floor(t / MS_PER_DAY) * MS_PER_DAY;
    const published = day + rng.int(13, 17) * MS_PER_HOUR + rng.int(0, MS_PER_HOUR - 1);
    if (published >= nowMs) break;
    const created = published - Math.round(rng.range(1, 6) * MS_PER_DAY);
    // Views: a share of the audience reads it, mostly within a couple of weeks.
    const ageDays = (nowMs - published) / MS_PER_DAY;
    const reach = 1 - 0.5 ** (ageDays / VIEW_HALF_LIFE_DAYS);
    const views = Math.round(audienceAt(published) * 0.25 * reach * logNormal(rng, 1, 0.3));
    entry('published', created, published, views);
    t = published + rng.int(7, 21) * MS_PER_DAY;
  }
  for (let i = rng.int(2, 3); i > 0; i--) {
    entry('draft', nowMs - Math.round(rng.range(0.2, 10) * MS_PER_DAY), null, 0);
  }
}
