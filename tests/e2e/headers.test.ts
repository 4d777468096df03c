/**
 * The web app's security headers: a Content-Security-Policy that names
 * Cube's origin and forbids framing, X-Frame-Options, Referrer-Policy and nosniff; and in
 * Chromium the sign-in page refuses to render inside another origin's frame while the
 * Analytics tab works under the policy without a single violation.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { DEFAULT_TIMEFRAME } from '../../web/lib/timeframe';
import { CONTEXT_DEFAULTS, launchChromium, signIn, waitForDashboard } from './browser';

const e2e = inject('e2e');
let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

test.each(['/sign-in', '/admin/analytics', '/api/health'])(
  '%s carries the headers',
  async (path) => {
    const response = await fetch(`${e2e.webUrl}${path}`, { redirect: 'manual' });
    const csp = response.headers.get('content-security-policy') ?? '';
    if (path !== '/api/health') {
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain(`connect-src 'self' ${new URL(e2e.cubeApiUrl).origin}`);
      expect(csp).toContain("object-src 'none'");
    }
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
  },
);

test('another origin cannot frame the sign-in page', async () => {
  // The framing page lives on its own origin (another port; Chromium here resolves only localhost).
  const framer = http.createServer((_req, res) => {
    res.setHeader('Content-Type', 'text/html');
    // The iframe's load event fires once the browser is done with the frame, refused or not.
    res.end(
      `<iframe id="target" src="${e2e.webUrl}/sign-in" onload="window.frameDone = true"></iframe>`,
    );
  });
  await new Promise<void>((resolve) => framer.listen(0, 'localhost', resolve));
  try {
    const { port } = framer.address() as AddressInfo;
    const context = await browser.newContext(CONTEXT_DEFAULTS);
    const page = await context.newPage();
    const framedResponse = page.waitForResponse((r) => r.url() === `${e2e.webUrl}/sign-in`);
    await page.goto(`http://localhost:${port}/`);
    // The sign-in page was served (with its headers) and the browser has finished the frame.
    expect((await framedResponse).status()).toBe(200);
    await page.waitForFunction(() => (window as { frameDone?: boolean }).frameDone === true);
    const frame = page.frames().find((f) => f.url().includes('/sign-in'));
    const rendered = frame
      ? await frame
          .locator('[data-testid=demo-sign-in-admin]')
          .count()
          .catch(() => 0)
      : 0;
    expect(rendered).toBe(0);
    // The control: opened directly, the same page does show what the frame must not.
    await page.goto(`${e2e.webUrl}/sign-in`);
    await page.locator('[data-testid=demo-sign-in-admin]').waitFor();
    await context.close();
  } finally {
    await new Promise((resolve) => framer.close(resolve));
  }
});

test('the Analytics tab runs under the policy without violations', async () => {
  const context = await browser.newContext(CONTEXT_DEFAULTS);
  const page = await context.newPage();
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  await signIn(page, e2e.webUrl, 'admin');
  await page.goto(`${e2e.webUrl}/admin/analytics`);
  await waitForDashboard(page, DEFAULT_TIMEFRAME);
  expect(violations).toEqual([]);
  await context.close();
});
