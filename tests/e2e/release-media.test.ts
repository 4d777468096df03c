/**
 * Inline release media in Chromium against the seeded stack: the default view (Releases, last 30
 * days) has a release with media; nothing of it downloads before its detail opens; the open
 * detail shows the thumbnail (decoded by the browser) and a video that plays the app's clip; the
 * page's Content-Security-Policy allows media from the app only (the default).
 */
import type { Browser, BrowserContext, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { RELEASE_MEDIA_PATH } from '../../web/lib/release-media/path';
import { CONTEXT_DEFAULTS, launchChromium, signIn, waitForHydration } from './browser';
import { waitForSection } from './section-view';

const e2e = inject('e2e');
const ANALYTICS = `${e2e.webUrl}/admin/analytics`;

let browser: Browser;
let adminState: Awaited<ReturnType<BrowserContext['storageState']>> | undefined;

beforeAll(async () => {
  browser = await launchChromium();
  const context = await browser.newContext(CONTEXT_DEFAULTS);
  await signIn(await context.newPage(), e2e.webUrl, 'admin');
  adminState = await context.storageState();
  await context.close();
});
afterAll(async () => {
  await browser?.close();
});

describe('release media in the detail', () => {
  test('the default view previews a release’s media, loaded only once its detail opens', async () => {
    const context = await browser.newContext({ ...CONTEXT_DEFAULTS, storageState: adminState });
    const page = await context.newPage();
    const mediaRequests: Request[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname.startsWith(RELEASE_MEDIA_PATH))
        mediaRequests.push(request);
    });
    const response = await page.goto(`${ANALYTICS}?section=releases&tf=30d`);
    expect(response?.headers()['content-security-policy']).toContain("media-src 'self';");
    const view = await waitForSection(page, 'releases', '30d');
    expect(view.widgets['widget-releases-list']?.state).toBe('ready');
    const coverage = page.locator('[data-metric="releases.coverage.both"]');
    expect(Number(await coverage.getAttribute('data-value'))).toBeGreaterThan(0);
    await waitForHydration(page);
    // The whole list is on the page and no detail is open: no media has been asked for.
    expect(mediaRequests.map((r) => r.url())).toEqual([]);

    const row = page.locator('[data-testid=widget-releases-list] tbody tr').first();
    const thumbnailLoaded = page.waitForResponse(
      (r) => r.url().endsWith('.svg') && r.url().includes(RELEASE_MEDIA_PATH),
    );
    await row.locator('button').click();
    const media = page.locator('[data-testid=release-detail] [data-testid=release-media]');
    const img = media.locator('[data-testid=release-thumbnail]');
    expect((await thumbnailLoaded).status()).toBe(200);
    await expect
      .poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth))
      .toBeGreaterThan(0);
    expect(await img.getAttribute('alt')).toMatch(/^Thumbnail of release /);
    // The video waits for a play: only its poster (the thumbnail) has been fetched.
    expect(mediaRequests.filter((r) => r.url().endsWith('.webm'))).toEqual([]);
    const video = media.locator('[data-testid=release-video]');
    expect(await video.getAttribute('preload')).toBe('none');
    expect(await media.textContent()).toContain('no captions available');
    const width = await video.evaluate(async (el) => {
      const v = el as HTMLVideoElement;
      v.muted = true;
      v.preload = 'auto';
      v.load();
      await new Promise((resolve, reject) => {
        v.addEventListener('loadeddata', resolve, { once: true });
        v.addEventListener('error', () => reject(new Error('the video did not load')), {
          once: true,
        });
      });
      return v.videoWidth;
    });
    expect(width).toBe(320);
    await context.close();
  });
});
