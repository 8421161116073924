import { AxeBuilder } from '@axe-core/playwright';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, chromium, Locator, Page } from 'playwright-core';
import { WORKSPACE_ROOT } from './api-server';

/** Where every state's screenshot lands (git-ignored). */
export const SCREENSHOT_DIR = join(WORKSPACE_ROOT, 'apps/web-e2e/screenshots');

/** The machine's Chromium (Debian package), headless. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * A page in its own browser context (fresh storage; axe-core's Playwright builder needs pages
 * created this way). Closing the page closes its context.
 */
export async function openPage(browser: Browser, viewport = { width: 1280, height: 900 }): Promise<Page> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  // The context may already be gone when the whole browser closes first.
  page.once('close', () => void context.close().catch(() => undefined));
  return page;
}

/**
 * Chromium logs every 4xx response as a console error. A 409 SOLD_OUT or 401 AUTH_REQUIRED is an
 * answer the page handles, not a fault of the page, so those lines are not collected.
 */
const ANSWERED_4XX = /^Failed to load resource: the server responded with a status of 4\d\d\b/;

/** Collects console errors (other than handled 4xx answers) and uncaught exceptions of a page. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && !ANSWERED_4XX.test(message.text())) {
      errors.push(message.text());
    }
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({
    path: join(SCREENSHOT_DIR, `${name}.png`),
    fullPage: true,
  });
}

/** Waits (Playwright polling, bounded) until the element's whole text is `text`. */
export async function waitForText(locator: Locator, text: string | RegExp, timeout = 15_000): Promise<void> {
  const pattern =
    typeof text === 'string' ? new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`) : text;
  await locator.filter({ hasText: pattern }).first().waitFor({ timeout });
}

/** Horizontal overflow in CSS pixels (0 when nothing sticks out sideways). */
export function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) -
      document.documentElement.clientWidth,
  );
}

/** axe-core against WCAG 2.1 A/AA; returns the serious and critical violations, readable. */
export async function seriousA11yViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
    .analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}
