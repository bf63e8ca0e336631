// The journeys of issue 14 in headless Chromium: an officer of Sở Tư pháp reports with a PDF,
// a stale second tab meets the conflict page with its values kept, a planner finds the report
// on /plan, and on a service that requires sign-in a leader signs in, opens the dashboard and
// downloads the PDF report. Every page is checked with axe-core and photographed on a desktop
// and a phone.
//
// Usage: node tests/browser/workspace.mjs OPEN_BASE LOCKED_BASE
// (run.sh starts both services and creates the accounts; the password is $JOURNEY_PASSWORD).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { axeSerious, checks, DESKTOP, launch, PHONE, shot, signIn } from './common.mjs';

const [open, locked] = process.argv.slice(2).map((b) => (b || '').replace(/\/$/, ''));
if (!/^https?:\/\//.test(open || '') || !/^https?:\/\//.test(locked || '')) {
  console.error('usage: node workspace.mjs OPEN_BASE LOCKED_BASE');
  process.exit(2);
}
const password = process.env.JOURNEY_PASSWORD || 'journey-pass-phrase-2026';
const { check, report } = checks('workspace journeys');
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');
const pdfPath = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'egov-upload-')), 'Quyết định 45.pdf');
fs.writeFileSync(pdfPath, PDF);

/** The task numbers linked inside `selector`. */
async function taskLinks(page, selector) {
  const hrefs = await page.locator(`${selector} a[href^="/tasks/"]`).evaluateAll((links) =>
    links.map((a) => a.getAttribute('href')),
  );
  return hrefs.map((h) => Number(h.match(/^\/tasks\/(\d+)/)[1]));
}

/** Checks axe and the phone layout of the current page, and photographs it. */
async function inspect(page, name) {
  const serious = await axeSerious(page);
  check(serious.length === 0, `${name}: axe finds no serious or critical violation`, serious.join('; '));
  const overflow = await page.evaluate(() => document.scrollingElement.scrollWidth - window.innerWidth);
  check(overflow <= 1, `${name}: no sideways scrolling of the page`, `${overflow}px too wide`);
  await shot(page, name);
}

async function officerJourney() {
  const browser = await launch({ viewport: DESKTOP, locale: 'vi-VN' });
  try {
    const page = await browser.context.newPage();
    await page.goto(`${open}/my`);
    check(new URL(page.url()).pathname === '/login', '/my sends a stranger to sign in', page.url());
    await signIn(page, open, 'stp.officer', password);
    check(new URL(page.url()).pathname === '/my', 'signing in lands back on /my', page.url());
    const leads = await taskLinks(page, '#leads');
    check(JSON.stringify(leads) === '[17,26]', 'under "leads" Sở Tư pháp sees tasks 17 and 26 only', `${leads}`);
    await inspect(page, 'my-desktop');

    await page.goto(`${open}/tasks/17`);
    const stale = await browser.context.newPage();
    await stale.goto(`${open}/tasks/17`);
    await inspect(page, 'task-desktop');

    await page.getByLabel('Tình trạng').selectOption('IN_PROGRESS');
    await page.getByLabel('Tiến độ (%)').fill('40');
    await page.getByLabel('Nội dung báo cáo').fill('Đã triển khai phần mềm cấp phiếu lý lịch tư pháp');
    await page.getByLabel('Tệp đính kèm').setInputFiles(pdfPath);
    await Promise.all([page.waitForURL(/sent=report/), page.getByRole('button', { name: 'Gửi báo cáo' }).click()]);
    const history = await page.locator('ol.history').innerText();
    check(
      history.includes('40%') && history.includes('Đã triển khai phần mềm cấp phiếu lý lịch tư pháp'),
      'the report heads the history',
      history.slice(0, 300),
    );
    check(history.includes('Quyết định 45.pdf'), 'the PDF is listed with the report');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('ol.history a', { hasText: 'Quyết định 45.pdf' }).first().click(),
    ]);
    const saved = fs.readFileSync(await download.path());
    check(Buffer.compare(saved, PDF) === 0, 'the attachment downloads byte-identical', `${saved.length} bytes`);
    check(download.suggestedFilename() === 'Quyết định 45.pdf', 'it downloads under its own name', download.suggestedFilename());
    await shot(page, 'task-reported-desktop');

    await stale.getByLabel('Tiến độ (%)').fill('55');
    await stale.getByLabel('Nội dung báo cáo').fill('Ghi chú từ tab cũ');
    const [response] = await Promise.all([
      stale.waitForResponse((r) => r.request().method() === 'POST'),
      stale.getByRole('button', { name: 'Gửi báo cáo' }).click(),
    ]);
    await stale.waitForLoadState('domcontentloaded');
    check(response.status() === 409, 'the stale tab is answered 409', `${response.status()}`);
    const alert = await stale.getByRole('alert').first().innerText();
    check(alert.includes('Nhiệm vụ vừa được cập nhật bởi người khác'), 'the conflict page says someone reported meanwhile', alert);
    check(
      (await stale.getByLabel('Nội dung báo cáo').inputValue()) === 'Ghi chú từ tab cũ' &&
        (await stale.getByLabel('Tiến độ (%)').inputValue()) === '55',
      'the stale tab keeps the values typed',
    );
    check((await stale.locator('ol.history').innerText()).includes('40%'), 'the conflict page shows the newer report');
    await inspect(stale, 'task-conflict-desktop');

    const phone = await launch({ viewport: PHONE, locale: 'vi-VN', isMobile: true, hasTouch: true });
    try {
      const small = await phone.context.newPage();
      await small.goto(`${open}/login`);
      await inspect(small, 'login-phone');
      await signIn(small, open, 'stp.officer', password);
      await small.goto(`${open}/my`);
      await inspect(small, 'my-phone');
      await small.goto(`${open}/tasks/17`);
      await inspect(small, 'task-phone');
      await small.goto(`${open}/tasks/17?lang=en`);
      check((await small.locator('h1').innerText()).includes('judicial record'), 'the task page reads in English on request');
      await shot(small, 'task-phone-en');
    } finally {
      await phone.close();
    }
  } finally {
    await browser.close();
  }
}

async function plannerJourney() {
  for (const [viewport, suffix] of [
    [DESKTOP, 'desktop'],
    [PHONE, 'phone'],
  ]) {
    const browser = await launch({ viewport, locale: 'vi-VN' });
    try {
      const page = await browser.context.newPage();
      await signIn(page, open, 'dic.planner', password);
      await page.goto(`${open}/plan`);
      const row = await page.locator('tr', { has: page.locator('a[href^="/tasks/17"]') }).innerText();
      check(
        row.includes('40%') && row.includes('Đã triển khai phần mềm cấp phiếu lý lịch tư pháp'),
        `the planner sees the report on /plan (${suffix})`,
        row,
      );
      await inspect(page, `plan-${suffix}`);
      if (suffix === 'desktop') {
        await page.getByLabel('Đơn vị chủ trì').selectOption('STP');
        await Promise.all([page.waitForURL(/agency=STP/), page.getByRole('button', { name: 'Lọc' }).click()]);
        const filtered = await taskLinks(page, '#tasks + .scroll');
        check(JSON.stringify(filtered) === '[17,26]', 'filtering /plan by Sở Tư pháp leaves tasks 17 and 26', `${filtered}`);
      }
    } finally {
      await browser.close();
    }
  }
}

async function leaderJourney() {
  const browser = await launch({ viewport: DESKTOP, locale: 'vi-VN' });
  try {
    const page = await browser.context.newPage();
    await page.goto(`${locked}/`);
    check(new URL(page.url()).pathname === '/login', 'with sign-in required, the leader is sent to /login', page.url());
    await inspect(page, 'login-desktop');
    await signIn(page, locked, 'vice.chair', password);
    check(new URL(page.url()).pathname === '/', 'after signing in the leader lands on the dashboard', page.url());
    const link = page.locator('a[href*="summary.pdf"]').first();
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const bytes = fs.readFileSync(await download.path());
    check(bytes.subarray(0, 5).toString() === '%PDF-', 'the leader downloads the PDF report', `${bytes.length} bytes`);
    await inspect(page, 'dashboard-signed-in-desktop');
  } finally {
    await browser.close();
  }
}

try {
  await officerJourney();
  await plannerJourney();
  await leaderJourney();
} catch (error) {
  check(false, 'the journeys ran to the end', error.stack || String(error));
}
process.exit(report() ? 0 : 1);
