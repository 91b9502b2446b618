import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/**
 * The one rule for browser tests: run with Debian's Chromium; without it, skip with a
 * message, unless GATEHOUSE_TEST_BROWSER=required (CI), where its absence fails.
 */
export function browserSkip(): false | string | Error {
  if (existsSync(CHROMIUM)) return false;
  const msg = `${CHROMIUM} is missing (apt-get install chromium)`;
  if ((process.env.GATEHOUSE_TEST_BROWSER ?? '').toLowerCase() === 'required')
    return new Error(`GATEHOUSE_TEST_BROWSER=required but ${msg}`);
  return `${msg}; set GATEHOUSE_TEST_BROWSER=required to make this fail`;
}

/**
 * `describe(name, body)` when Chromium is there; otherwise one skipped test saying why, or
 * with GATEHOUSE_TEST_BROWSER=required one failing test.
 */
export function describeInChromium(name: string, body: () => void): void {
  const skip = browserSkip();
  if (skip instanceof Error)
    it('Chromium is available (GATEHOUSE_TEST_BROWSER=required)', () => {
      throw skip;
    });
  else if (skip) it(name, { skip }, () => {});
  else describe(name, body);
}

export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * Runs axe-core in the page (evaluated through DevTools, so the page's strict CSP stays
 * on) and returns the serious and critical violations.
 */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(AXE_SOURCE);
  const result = (await page.evaluate('axe.run(document)')) as { violations: AxeViolation[] };
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/**
 * Where screenshots go: docs/screenshots/ when GATEHOUSE_UPDATE_SCREENSHOTS=1 (to refresh the
 * docs), otherwise test-results/screenshots/ (git-ignored), so a test run never dirties the
 * tree: every run has new ids and dates on the pages.
 */
export const SCREENSHOTS =
  process.env.GATEHOUSE_UPDATE_SCREENSHOTS === '1'
    ? new URL('../../../../docs/screenshots/', import.meta.url)
    : new URL('../../../../test-results/screenshots/', import.meta.url);

/** A full-page PNG at 1280 px wide (see SCREENSHOTS for where). */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: new URL(`${name}.png`, SCREENSHOTS).pathname, fullPage: true });
}

/** Fails on any serious or critical axe-core violation of the page, then screenshots it as `name`. */
export async function checkPage(page: Page, name: string): Promise<void> {
  const violations = await seriousViolations(page);
  assert.deepEqual(
    violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`),
    [],
    `axe on ${name}`,
  );
  await screenshot(page, name);
}
