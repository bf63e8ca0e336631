// Checks the leadership dashboard in headless Chromium, as a person would use it.
//
// Usage: node tests/browser/dashboard.mjs http://127.0.0.1:PORT
// (tests/browser/run.sh starts the service and calls this). Drives Debian's /usr/bin/chromium
// through playwright-core, each browser in a fresh profile directory; never downloads a browser.
// Prints one line per check, saves desktop and phone screenshots (to $BROWSER_OUT, default
// target/browser/) and exits 1 listing the failed checks, if any.

import fs from 'node:fs';
import path from 'node:path';
import { DESKTOP, launch, outDir, PHONE, TIMEOUT } from './common.mjs';

const base = (process.argv[2] || '').replace(/\/$/, '');
if (!/^https?:\/\//.test(base)) {
  console.error('usage: node dashboard.mjs http://127.0.0.1:PORT');
  process.exit(2);
}
const failures = [];
let passed = 0;
function check(ok, what, detail = '') {
  if (ok) {
    passed += 1;
    console.log(`ok   ${what}`);
  } else {
    failures.push(detail ? `${what}: ${detail}` : what);
    console.log(`FAIL ${what}${detail ? `: ${detail}` : ''}`);
  }
  return ok;
}

/** Scrolls every chart image into view and waits until each has loaded; returns the broken ones. */
async function loadCharts(page) {
  const images = page.locator('figure.chart img');
  const count = await images.count();
  const broken = [];
  for (let i = 0; i < count; i += 1) {
    const img = images.nth(i);
    await img.scrollIntoViewIfNeeded();
    const src = await img.getAttribute('src');
    try {
      await page.waitForFunction((el) => el.complete && el.naturalWidth > 0, await img.elementHandle(), {
        timeout: TIMEOUT,
      });
    } catch {
      broken.push(src);
    }
  }
  return { count, broken };
}

async function desktop() {
  const browser = await launch({ viewport: DESKTOP, locale: 'vi-VN' });
  try {
    const page = await browser.context.newPage();
    const chartResponses = new Map();
    page.on('response', (r) => {
      const match = new URL(r.url()).pathname.match(/^\/reports\/(\w+)\.svg$/);
      if (match) chartResponses.set(match[1], r);
    });
    const started = Date.now();
    const response = await page.goto(`${base}/`, { waitUntil: 'domcontentloaded' });
    const loadMs = Date.now() - started;
    check(response?.status() === 200, 'GET / answers 200', `got ${response?.status()}`);
    check(
      (response?.headers()['content-type'] || '').startsWith('text/html'),
      'GET / is text/html',
      response?.headers()['content-type'],
    );
    const title = await page.title();
    check(title.includes('681/KH-UBND'), 'page title names 681/KH-UBND', title);
    const header = await page.locator('.masthead').innerText();
    check(header.includes('681/KH-UBND'), 'masthead names 681/KH-UBND', header.slice(0, 200));
    const frame = await page.locator('body > header').innerText();
    check(
      frame.includes('Đăng nhập') && frame.includes('English'),
      'the shared header offers sign-in and English',
      frame.slice(0, 200),
    );
    check((await page.getAttribute('html', 'lang')) === 'vi', '<html lang="vi"> by default');
    check(
      header.includes('Số liệu tính đến ngày') && /\d{2}\/\d{2}\/\d{4}/.test(header),
      'masthead gives the as-of date in Vietnamese (dd/mm/yyyy)',
      header.slice(0, 300),
    );
    check(
      (await page.locator('form[method="get"] input[type="date"][name="asOf"]').count()) === 1 &&
        (await page.locator('form[method="get"] select[name="lang"]').count()) === 1,
      'a plain GET form with the asOf date picker and the language',
    );

    // One stylesheet under a hashed name, no inline styles or scripts (the CSP forbids them).
    const sheets = await page.$$eval('link[rel="stylesheet"]', (ls) => ls.map((l) => l.getAttribute('href')));
    check(
      sheets.length === 1 && /^\/assets\/style\.[0-9a-f]+\.css$/.test(sheets[0]),
      'one stylesheet, served under its content hash',
      sheets.join(', '),
    );
    const inline = await page.evaluate(() => ({
      styles: document.querySelectorAll('style, [style]').length,
      scripts: document.querySelectorAll('script').length,
    }));
    check(inline.styles === 0 && inline.scripts === 0, 'no inline style and no script', JSON.stringify(inline));
    const cardTop = await page.locator('.card').first().evaluate((el) => getComputedStyle(el).borderTopWidth);
    check(cardTop === '4px', 'the stylesheet styles the dashboard (figure cards)', cardTop);

    // Every task shown links to its own page, in the page's language.
    const taskLinks = await page.$$eval('main a[href^="/tasks/"]', (as) => as.map((a) => a.getAttribute('href')));
    const badTaskLinks = taskLinks.filter((href) => !/^\/tasks\/\d+\?lang=vi$/.test(href));
    check(
      taskLinks.length > 0 && badTaskLinks.length === 0,
      `all ${taskLinks.length} task links point to /tasks/{number}?lang=vi`,
      badTaskLinks.join(', '),
    );
    if (taskLinks.length > 0) {
      const taskPage = await page.request.get(`${base}${taskLinks[0]}`, { headers: { accept: 'text/html' } });
      check(taskPage.status() === 200, `${taskLinks[0]} opens the task's page`, `${taskPage.status()}`);
    }

    const { count, broken } = await loadCharts(page);
    const srcs = await page.$$eval('figure.chart img', (imgs) => imgs.map((img) => img.getAttribute('src')));
    check(
      srcs.some((s) => s.startsWith('/reports/ranking.svg?')) && srcs.some((s) => s.startsWith('/reports/progress.svg?')),
      'the page shows the ranking and progress charts',
      srcs.join(', '),
    );
    check(broken.length === 0, `all ${count} chart images loaded (naturalWidth > 0)`, broken.join(', '));
    const rankingResponse = chartResponses.get('ranking');
    const rankingType = rankingResponse?.headers()['content-type'] || '';
    check(
      rankingResponse?.status() === 200 && rankingType.startsWith('image/svg+xml'),
      'ranking chart is served as image/svg+xml',
      `${rankingResponse?.status()} ${rankingType}`,
    );

    // Every download link carries the page's asOf and lang.
    const asOf = await page.inputValue('input[name="asOf"]');
    // (Frozen reports are fixed files and carry neither.)
    const links = await page.$$eval('a[download]:not([href^="/reports/snapshots/"])', (as) => as.map((a) => a.getAttribute('href')));
    const stray = links.filter((href) => !href.includes(`asOf=${asOf}`) || !href.includes('lang=vi'));
    check(links.length >= 15 && stray.length === 0, `all ${links.length} download links carry asOf and lang`, stray.join(', '));

    // The CSV download: UTF-8 BOM and a Vietnamese header row.
    const csvLink = page.locator('a[download][href^="/reports/tasks.csv"]').first();
    await csvLink.scrollIntoViewIfNeeded();
    const [download] = await Promise.all([page.waitForEvent('download'), csvLink.click()]);
    const file = await download.path();
    const bytes = fs.readFileSync(file);
    const text = bytes.subarray(3).toString('utf8');
    check(
      bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf,
      `tasks.csv download (${download.suggestedFilename()}) starts with the UTF-8 BOM`,
    );
    check(
      text.split(/\r?\n/, 1)[0].includes('Nhiệm vụ'),
      'tasks.csv has a Vietnamese header row',
      text.split(/\r?\n/, 1)[0],
    );

    // Back to the top, so that the sticky section bar is drawn there in the full-page shot.
    await page.evaluate(() => window.scrollTo(0, 0));
    const screenshot = path.join(outDir, 'dashboard-desktop.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    console.log(`screenshot: ${screenshot}`);

    // English.
    const en = await page.goto(`${base}/?lang=en`, { waitUntil: 'domcontentloaded' });
    check(en?.status() === 200, 'GET /?lang=en answers 200');
    check((await page.getAttribute('html', 'lang')) === 'en', '<html lang="en"> with lang=en');
    const body = await page.locator('body').innerText();
    check(
      body.includes('Figures as of') && body.includes('Downloads') && body.includes('Overview'),
      'the English page is in English',
      body.slice(0, 200),
    );
    const enLinks = await page.$$eval('a[download]:not([href^="/reports/snapshots/"])', (as) => as.map((a) => a.getAttribute('href')));
    check(enLinks.every((href) => href.includes('lang=en')), 'English download links carry lang=en');
    const { broken: enBroken } = await loadCharts(page);
    check(enBroken.length === 0, 'English chart images loaded', enBroken.join(', '));
    await page.evaluate(() => window.scrollTo(0, 0));
    const enShot = path.join(outDir, 'dashboard-desktop-en.png');
    await page.screenshot({ path: enShot, fullPage: true });
    console.log(`screenshot: ${enShot}`);

    // A malformed date is refused by the service with BAD_INPUT; a browser gets a page saying so.
    const bad = await page.request.get(`${base}/?asOf=2017-13-45`, { headers: { accept: 'application/json' } });
    const badBody = await bad.text();
    check(bad.status() === 400 && badBody.includes('BAD_INPUT'), 'a malformed asOf gives 400 BAD_INPUT', `${bad.status()} ${badBody.slice(0, 120)}`);
    const badPage = await page.goto(`${base}/?asOf=2017-13-45&lang=en`, { waitUntil: 'domcontentloaded' });
    const badText = await page.locator('main').innerText();
    check(
      badPage?.status() === 400 && badText.includes('The input is not valid'),
      'a browser asking for a malformed asOf gets a 400 page in its language',
      `${badPage?.status()} ${badText.slice(0, 120)}`,
    );
    // That 400 is expected; the requests before it must all have succeeded.
    const problems = browser.problems.filter((p) => !p.includes('asOf=2017-13-45'));
    browser.problems.length = 0;
    browser.problems.push(...problems);

    check(browser.problems.length === 0, 'every request the page made succeeded', browser.problems.join('; '));
    return loadMs;
  } finally {
    await browser.close();
  }
}

async function phone() {
  const browser = await launch({
    viewport: PHONE,
    locale: 'vi-VN',
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
  });
  try {
    const page = await browser.context.newPage();
    await page.goto(`${base}/`, { waitUntil: 'domcontentloaded' });
    const { broken } = await loadCharts(page);
    check(broken.length === 0, 'phone: chart images loaded', broken.join(', '));
    await page.evaluate(() => window.scrollTo(0, 0));
    const widths = await page.evaluate(() => ({
      document: document.documentElement.scrollWidth,
      body: document.body.scrollWidth,
      widest: [...document.body.querySelectorAll('*')]
        .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
        .filter((el) => !el.closest('.scroll, .chart-box, .sections'))
        .slice(0, 5)
        .map((el) => `${el.tagName.toLowerCase()}.${el.className}`),
    }));
    check(
      widths.document <= PHONE.width && widths.body <= PHONE.width,
      `phone: no horizontal overflow at ${PHONE.width}px`,
      `scrollWidth ${widths.document}/${widths.body}; too wide: ${widths.widest.join(', ')}`,
    );
    const wrapped = await page.$$eval('table', (ts) => ts.every((t) => t.parentElement.classList.contains('scroll')));
    check(wrapped, 'phone: tables sit in horizontally scrolling boxes');
    const screenshot = path.join(outDir, 'dashboard-phone.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    console.log(`screenshot: ${screenshot}`);

    // The same in English.
    await page.goto(`${base}/?lang=en`, { waitUntil: 'domcontentloaded' });
    const { broken: enBroken } = await loadCharts(page);
    check(enBroken.length === 0, 'phone: English chart images loaded', enBroken.join(', '));
    await page.evaluate(() => window.scrollTo(0, 0));
    const enWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    check(enWidth <= PHONE.width, `phone: no horizontal overflow in English`, `scrollWidth ${enWidth}`);
    const enShot = path.join(outDir, 'dashboard-phone-en.png');
    await page.screenshot({ path: enShot, fullPage: true });
    console.log(`screenshot: ${enShot}`);
    check(browser.problems.length === 0, 'phone: every request succeeded', browser.problems.join('; '));
  } finally {
    await browser.close();
  }
}

/** Size of `/` and the median time to serve it, measured outside the browser. */
async function measure() {
  const times = [];
  let size = 0;
  for (let i = 0; i < 5; i += 1) {
    const started = performance.now();
    const response = await fetch(`${base}/`);
    const body = Buffer.from(await response.arrayBuffer());
    times.push(performance.now() - started);
    size = body.length;
  }
  times.sort((a, b) => a - b);
  console.log(`GET /: ${size} bytes of HTML, median ${times[2].toFixed(0)} ms over 5 requests`);
}

const started = Date.now();
try {
  await measure();
  const loadMs = await desktop();
  console.log(`desktop: DOMContentLoaded of / in ${loadMs} ms`);
  await phone();
} catch (error) {
  failures.push(`unexpected error: ${error?.stack || error}`);
  console.log(`FAIL unexpected error: ${error?.message || error}`);
}
const seconds = ((Date.now() - started) / 1000).toFixed(1);
if (failures.length > 0) {
  console.error(`\ndashboard browser test FAILED (${failures.length} of ${passed + failures.length} checks, ${seconds} s):`);
  for (const failure of failures) console.error(`  - ${failure}`);
  process.exit(1);
}
console.log(`dashboard browser test: all ${passed} checks passed in ${seconds} s`);
