/**
 * Debian's Chromium driven by playwright-core, as the e2e tests and the bench's browser timings
 * both launch it.
 */
import { type Browser, type BrowserContextOptions, chromium, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // The machine has no outside network: every other host fails at once (thumbnails fall
      // back to their monogram the same way on every run) instead of waiting on DNS.
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost',
    ],
  });
}

/** The context every measured visit uses, e2e and bench alike: no animations, en-US, 1280×900. */
export const CONTEXT_DEFAULTS: BrowserContextOptions = {
  reducedMotion: 'reduce',
  locale: 'en-US',
  viewport: { width: 1280, height: 900 },
};

/** Signs `page` in with the demo host's one-click admin login (`DEMO_LOGIN=1`) at `base`. */
export async function signInAsDemoAdmin(page: Page, base: string): Promise<void> {
  await page.goto(`${base}/sign-in?next=${encodeURIComponent('/admin/settings')}`);
  await page.click('[data-testid=demo-sign-in-admin]');
  await page.waitForURL((url) => url.pathname === '/admin/settings');
}
