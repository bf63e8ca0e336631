// What the browser checks share: launching Debian's Chromium through playwright-core in a fresh
// profile, recording checks, signing in through the form, and running axe-core on a page.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const outDir = path.resolve(process.env.BROWSER_OUT || path.join(root, 'target/browser'));
fs.mkdirSync(outDir, { recursive: true });

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
// Debian's Chromium on a machine without internet: these flags keep it from hanging on
// first-run, sync, component updates and QUIC probes.
export const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1366, height: 900 };
export const TIMEOUT = 90_000; // a debug build renders charts slowly on two cores

/** A list of named checks; `report()` prints the tally and returns whether all passed. */
export function checks(name) {
  const failures = [];
  let passed = 0;
  return {
    check(ok, what, detail = '') {
      if (ok) {
        passed += 1;
        console.log(`ok   ${what}`);
      } else {
        failures.push(detail ? `${what}: ${detail}` : what);
        console.log(`FAIL ${what}${detail ? `: ${detail}` : ''}`);
      }
      return ok;
    },
    report() {
      console.log(`${name}: ${passed} checks passed, ${failures.length} failed`);
      for (const failure of failures) console.log(`  - ${failure}`);
      return failures.length === 0;
    },
  };
}

/** Launches Chromium without a persistent profile (for checks that open their own contexts). */
export function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS, timeout: 60_000 });
}

/** Launches Chromium in a new profile directory with `options` for its one context. */
export async function launch(options = {}) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'egov-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    acceptDownloads: true,
    timeout: 60_000,
    ...options,
  });
  context.setDefaultTimeout(TIMEOUT);
  // Record every failed or erroring request the pages make (a chart route that fails shows here).
  const problems = [];
  context.on('requestfailed', (r) => problems.push(`${r.url()} failed: ${r.failure()?.errorText}`));
  context.on('response', (r) => {
    if (r.status() >= 400) problems.push(`${r.url()} answered ${r.status()}`);
  });
  return {
    context,
    problems,
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Signs in through the `/login` form of `page` (already on the form or not). */
export async function signIn(page, base, username, password) {
  if (!new URL(page.url() === 'about:blank' ? base : page.url()).pathname.startsWith('/login')) {
    await page.goto(`${base}/login`);
  }
  await page.getByLabel(/Tên đăng nhập|Username/).fill(username);
  await page.getByLabel(/Mật khẩu|Password/).fill(password);
  await Promise.all([
    page.waitForLoadState('domcontentloaded'),
    page.locator('main form button[type="submit"]').click(),
  ]);
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
}

/** The serious and critical axe-core findings on the page, as readable lines. */
export async function axeSerious(page) {
  // Evaluated through the DevTools protocol, which the pages' Content-Security-Policy does not
  // govern, so the pages are checked with their real policy in force.
  await page.evaluate(fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const run = await axe.run(document, { resultTypes: ['violations'] });
    return run.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
    }));
  });
  return result
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id} at ${v.nodes.join(', ')}`);
}

/** Saves a full-page screenshot as `name.png` in the output directory. */
export async function shot(page, name) {
  await page.screenshot({ path: path.join(outDir, `${name}.png`), fullPage: true });
}
