import { AxeBuilder } from '@axe-core/playwright';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { WORKSPACE_ROOT } from '@gtd/testing';
import { Locator, Page } from 'playwright-core';

/** Where every state's screenshot lands (git-ignored). */
export const SCREENSHOT_DIR = join(WORKSPACE_ROOT, 'apps/web-e2e/screenshots');

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

/** axe-core against WCAG 2.1 A/AA and best practice; every violation of any impact, readable. */
export async function a11yViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
    .analyze();
  return results.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
}

/**
 * Records every text a live region (found by `testId`) is given, from now on, in the page itself:
 * what a screen reader would be handed, however fast it changes between two looks of the spec.
 */
export async function recordRegion(page: Page, testId: string): Promise<() => Promise<string[]>> {
  await page.evaluate((id) => {
    const w = window as unknown as { regionTexts?: Record<string, string[]> };
    w.regionTexts ??= {};
    const said: string[] = (w.regionTexts[id] = []);
    const region = document.querySelector(`[data-testid="${id}"]`);
    if (!region) throw new Error(`no region ${id}`);
    let last = region.textContent?.trim() ?? '';
    new MutationObserver(() => {
      const text = region.textContent?.trim() ?? '';
      if (text !== last && text !== '') said.push(text);
      last = text;
    }).observe(region, { childList: true, subtree: true, characterData: true });
  }, testId);
  return () =>
    page.evaluate(
      (id) => (window as unknown as { regionTexts: Record<string, string[]> }).regionTexts[id],
      testId,
    );
}
