// The follow-up loop of Decree 09/2019 in headless Chromium, on the service with reads open:
// an officer of Sở Tư pháp reports on task 17; a planner of Sở TT&TT returns the report with a
// reason (a return without one is refused) and the history marks it as not counted; the planner
// opens /rounds, the first period, and the round of the current quarter, where Sở Tư pháp's
// submission for task 17 reads "Bị trả lại" with the reason, and downloads the round as CSV
// (UTF-8 with a BOM, for Excel) and XLSX; a vice-chair asks Sở Tư pháp to explain itself on
// task 17; the officer finds the request on /my and answers it on the task page; the vice-chair
// reads the answer. The round page, the task page with its review and explanation forms opened
// and /my with the request are checked with axe-core and photographed on a desktop and a phone.
//
// Usage: node tests/browser/follow_up.mjs OPEN_BASE
// (run.sh starts the service and creates the accounts; the password is $JOURNEY_PASSWORD. It
// runs after workspace.mjs, whose report on task 17 this journey returns too, so that the round
// shows Sở Tư pháp's submission as returned.)

import { axeSerious, checks, DESKTOP, launch, PHONE, shot, signIn } from './common.mjs';

const [open] = process.argv.slice(2).map((b) => (b || '').replace(/\/$/, ''));
if (!/^https?:\/\//.test(open || '')) {
  console.error('usage: node follow_up.mjs OPEN_BASE');
  process.exit(2);
}
const password = process.env.JOURNEY_PASSWORD || 'journey-pass-phrase-2026';
const { check, report } = checks('follow-up journeys');

const TASK = 17;
const NOTE = 'Quý IV: đã cấp 1.250 phiếu lý lịch tư pháp qua Cổng dịch vụ công của tỉnh';
const REASON = 'Số phiếu chưa khớp với số liệu của Cổng dịch vụ công; đề nghị báo cáo lại kèm văn bản minh chứng.';
const EARLIER_REASON = 'Báo cáo cùng kỳ, thay bằng báo cáo quý IV; đề nghị báo cáo lại.';
const QUESTION = 'Đề nghị Sở Tư pháp giải trình lý do số phiếu lý lịch tư pháp cấp trực tuyến thấp hơn kế hoạch.';
const ANSWER = 'Phần mềm chờ kết nối Cơ sở dữ liệu quốc gia về dân cư đến ngày 20/11; số phiếu sẽ bổ sung trong báo cáo lại.';

/** `dd/mm/yyyy` as `yyyy-mm-dd` (compares as text). */
function iso(vietnamese) {
  const [d, m, y] = vietnamese.split('/');
  return `${y}-${m}-${d}`;
}

/** The data window `15/09/2017 – 14/12/2017` as two ISO dates. */
function windowOf(text) {
  const days = text.match(/\d\d\/\d\d\/\d{4}/g) || [];
  return days.length === 2 ? days.map(iso) : [null, null];
}

/** Checks axe and the phone layout of the current page, and photographs it. */
async function inspect(page, name) {
  const serious = await axeSerious(page);
  check(serious.length === 0, `${name}: axe finds no serious or critical violation`, serious.join('; '));
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(overflow <= 1, `${name}: no sideways scrolling of the page`, `${overflow}px too wide`);
  await shot(page, name);
}

/** Opens every `<details>` of the page, as a reader who clicked each summary. */
async function openDetails(page) {
  await page.locator('details').evaluateAll((all) => all.forEach((d) => (d.open = true)));
}

/** A report in the history of the task page: its id, agency, effective day, whether counted. */
async function historyEntries(page) {
  return page.locator('li[id^="report-"]').evaluateAll((items) =>
    items.map((li) => ({
      id: Number(li.id.slice('report-'.length)),
      agency: li.querySelector(':scope > strong')?.textContent.trim() || '',
      effective: (li.textContent.match(/hiệu lực (\d\d\/\d\d\/\d{4})/) || [])[1] || '',
      counted: !li.classList.contains('returned'),
      text: li.textContent,
    })),
  );
}

/** Signs in `username` in a new browser on `viewport`; returns the browser and its page. */
async function session(username, viewport) {
  const phone = viewport === PHONE;
  const browser = await launch({ viewport, locale: 'vi-VN', ...(phone ? { isMobile: true, hasTouch: true } : {}) });
  const page = await browser.context.newPage();
  await signIn(page, open, username, password);
  return { browser, page };
}

/** Presses "Trả lại" in the review form of report `id` (opening it first). */
async function pressReturn(page, id, reason) {
  const entry = page.locator(`#report-${id}`);
  const form = entry.locator('details.review-form');
  if (!(await form.evaluate((d) => d.open))) await form.locator('summary').click();
  await entry.getByLabel('Ý kiến / lý do trả lại').fill(reason);
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith(`/tasks/${TASK}/reviews`)),
    entry.getByRole('button', { name: 'Trả lại', exact: true }).click(),
  ]);
  await page.waitForLoadState('domcontentloaded');
  return response;
}

const state = { reportId: null, today: null, explanationId: null, roundHref: null, roundCode: null };

async function officerReports() {
  const { browser, page } = await session('stp.officer', DESKTOP);
  try {
    await page.goto(`${open}/tasks/${TASK}`);
    check(
      (await page.locator('li[id^="report-"] details.review-form').count()) === 0,
      'the officer is offered no review form',
    );
    check((await page.locator(`form[action="/tasks/${TASK}/explanations"]`).count()) === 0, 'nor a form asking for explanations');
    state.today = await page.locator('#effective_on').getAttribute('max');
    check(/^\d{4}-\d\d-\d\d$/.test(state.today || ''), "the report form knows today's date", `${state.today}`);
    await page.getByLabel('Tình trạng').selectOption('IN_PROGRESS');
    await page.getByLabel('Tiến độ (%)').fill('60');
    await page.getByLabel('Ngày có hiệu lực').fill(state.today);
    await page.getByLabel('Nội dung báo cáo').fill(NOTE);
    await Promise.all([page.waitForURL(/sent=report/), page.getByRole('button', { name: 'Gửi báo cáo' }).click()]);
    const mine = (await historyEntries(page)).find((e) => e.text.includes(NOTE));
    check(Boolean(mine?.counted), 'the quarterly report heads the history, counted', JSON.stringify(mine));
    state.reportId = mine?.id;
  } finally {
    await browser.close();
  }
}

async function plannerReturns() {
  const { browser, page } = await session('dic.planner', DESKTOP);
  try {
    const id = state.reportId;
    await page.goto(`${open}/tasks/${TASK}`);
    const entry = page.locator(`#report-${id}`);
    check((await entry.locator('details.review-form').count()) === 1, 'the planner may review the new report');
    const forms = await page.locator(`li[id^="report-"] details.review-form form`).evaluateAll((fs) =>
      fs.map((f) => f.getAttribute('action')),
    );
    check(
      forms.length > 0 && forms.every((a) => a === `/tasks/${TASK}/reviews`),
      'each counted report has a review form posting to /tasks/17/reviews',
      `${forms}`,
    );
    check((await page.locator('details', { hasText: 'Yêu cầu đơn vị giải trình' }).count()) === 1, 'the planner may ask for explanations');
    await openDetails(page);
    await inspect(page, 'task-review-desktop');
    const phone = await session('dic.planner', PHONE);
    try {
      await phone.page.goto(`${open}/tasks/${TASK}`);
      await openDetails(phone.page);
      await inspect(phone.page, 'task-review-phone');
    } finally {
      await phone.browser.close();
    }

    const refused = await pressReturn(page, id, '');
    check(refused.status() >= 400 && refused.status() < 500, 'returning without a reason is refused', `${refused.status()}`);
    const alert = await page.getByRole('alert').first().innerText().catch(() => '');
    check(alert.length > 0, 'the refusal says why', alert);
    check(!(await historyEntries(page)).find((e) => e.id === id)?.text.includes('không được tính'), 'the report still counts after the refusal');

    const returned = await pressReturn(page, id, REASON);
    check(returned.status() === 303 && /sent=returned/.test(page.url()), 'returning with a reason goes through', `${returned.status()} ${page.url()}`);
    const notice = await page.getByRole('status').first().innerText();
    check(notice.includes('Đã trả lại báo cáo'), 'the page confirms the return', notice);
    const marked = page.locator(`#report-${id}`);
    const text = await marked.innerText();
    check(await marked.evaluate((li) => li.classList.contains('returned')), 'the returned report is marked as such');
    check(text.includes('Bị trả lại, không được tính'), 'it reads "Bị trả lại, không được tính"', text);
    check(text.includes('Sở TT&TT trả lại') && text.includes(REASON), 'with who returned it and why', text);
    check((await marked.locator('details.review-form').count()) === 0, 'a returned report offers no review form');
    const edge = await marked.evaluate((el) => getComputedStyle(el).borderLeftStyle);
    check(edge === 'solid', "the returned report is marked by a rule at its side, its words left readable", edge);
    await page.goto(`${open}/tasks/${TASK}?lang=en`);
    check((await page.locator(`#report-${id}`).innerText()).includes('Returned, not counted'), 'the mark reads in English on request');

    // The reporting rounds, from the header's link.
    await page.goto(`${open}/tasks/${TASK}`);
    await Promise.all([page.waitForURL(/\/rounds/), page.locator('header').getByRole('link', { name: 'Kỳ báo cáo' }).click()]);
    check(new URL(page.url()).pathname === '/rounds', 'the header leads to /rounds', page.url());
    const periods = await page.locator('main table tbody tr').evaluateAll((rows) =>
      rows.map((tr) => ({
        href: tr.querySelector('a')?.getAttribute('href') || '',
        label: tr.querySelector('a')?.textContent.trim() || '',
        window: tr.cells[1]?.textContent.trim() || '',
        deadline: tr.cells[2]?.textContent.trim() || '',
        open: tr.textContent.includes('Đang mở'),
      })),
    );
    check(periods.length > 0 && periods.every((p) => /^\/rounds\/\d{4}(-(Q\d|H\d|\d\d))?(\?|$)/.test(p.href)), '/rounds lists periods with links', JSON.stringify(periods.slice(0, 3)));
    const current = periods.find((p) => {
      const [from, to] = windowOf(p.window);
      return /-Q\d(\?|$)/.test(p.href) && from <= state.today && state.today <= to;
    });
    check(Boolean(current), "the current quarter's round is listed", `today ${state.today}`);
    check(Boolean(current?.open), 'it is marked "Đang mở" before its deadline', JSON.stringify(current));
    await inspect(page, 'rounds-desktop');

    const first = periods[0];
    await Promise.all([page.waitForURL((u) => u.pathname === first.href.split('?')[0]), page.locator('main table tbody a').first().click()]);
    check((await page.locator('h1').innerText()) === `Kỳ báo cáo ${first.label}`, 'the first period opens its round', await page.locator('h1').innerText());
    const facts = await page.locator('dl.facts dd').allInnerTexts();
    check(facts[0] === first.window && facts[1].startsWith(first.deadline), "the round's window and deadline match the list", `${facts.slice(0, 2)}`);

    // Every other report of Sở Tư pháp in the quarter's window must be returned too (workspace.mjs
    // left one), or the round counts that one instead.
    const [from, to] = windowOf(current.window);
    await page.goto(`${open}/tasks/${TASK}`);
    const others = (await historyEntries(page)).filter(
      (e) => e.counted && e.agency === 'Sở Tư pháp' && from <= iso(e.effective) && iso(e.effective) <= to,
    );
    for (const other of others) {
      const response = await pressReturn(page, other.id, EARLIER_REASON);
      check(response.status() === 303, `the earlier report ${other.id} of the quarter is returned too`, `${response.status()}`);
    }

    state.roundHref = current.href.split('?')[0];
    state.roundCode = state.roundHref.slice('/rounds/'.length);
    await page.goto(`${open}${state.roundHref}`);
    check((await page.locator('h1').innerText()) === `Kỳ báo cáo ${current.label}`, "the current quarter's round opens", await page.locator('h1').innerText());
    const row = page.locator('#submissions + .scroll tbody tr', { has: page.locator(`a[href^="/tasks/${TASK}?"], a[href="/tasks/${TASK}"]`) }).filter({ hasText: 'Sở Tư pháp' });
    check((await row.count()) === 1, 'Sở Tư pháp owes one report on task 17 this quarter', `${await row.count()} rows`);
    const badge = row.locator('.badge[class*="sub-"]');
    check((await badge.getAttribute('class'))?.includes('sub-RETURNED') && (await badge.innerText()) === 'Bị trả lại', 'its submission reads "Bị trả lại"', `${await badge.getAttribute('class')} ${await badge.innerText()}`);
    const rowText = await row.innerText();
    check(rowText.includes(`Lý do: ${REASON}`), 'with the reason of the latest return', rowText);
    check(
      (await row.locator(`a[href*="#report-${id}"]`).count()) === 1,
      'and a link to the returned report in the history',
    );
    const agencyRow = await page.locator('#agencies + .scroll tbody tr', { hasText: 'Sở Tư pháp' }).locator('td').allInnerTexts();
    check(Number(agencyRow[4]) >= 1, 'the per-agency table counts the return for Sở Tư pháp', `${agencyRow}`);
    const returnedTotal = await page.locator('dl.facts dt', { hasText: 'Bị trả lại' }).locator('xpath=following-sibling::dd[1]').innerText();
    check(Number(returnedTotal) >= 1, 'and so do the round totals', returnedTotal);

    const csvLink = page.locator('main a', { hasText: /^CSV$/ });
    const csvHref = await csvLink.getAttribute('href');
    check(csvHref?.split('?')[0] === `${state.roundHref}.csv` && (await csvLink.getAttribute('download')) !== null, 'the page links the round as CSV', csvHref);
    const csv = await page.request.get(new URL(csvHref, open).href);
    const bytes = await csv.body();
    check(csv.status() === 200 && csv.headers()['content-type']?.startsWith('text/csv'), 'the CSV downloads', `${csv.status()} ${csv.headers()['content-type']}`);
    check(
      (csv.headers()['content-disposition'] || '').includes(`egov-round-${state.roundCode}.csv`),
      'under the name of the period',
      csv.headers()['content-disposition'],
    );
    check(bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf, 'the CSV starts with a UTF-8 BOM, so Excel reads its accents');
    const lines = bytes.toString('utf8').split(/\r?\n/);
    const csvRow = lines.find((l) => l.startsWith(`${TASK},`) && l.includes('"STP"')) || '';
    check(csvRow.includes('RETURNED') && csvRow.includes('Bị trả lại') && csvRow.includes(REASON), 'its line for task 17 says returned, with the reason', csvRow);
    const xlsxHref = await page.locator('main a', { hasText: /^XLSX$/ }).getAttribute('href');
    const xlsx = await page.request.get(new URL(xlsxHref, open).href);
    check(xlsx.status() === 200 && (await xlsx.body()).subarray(0, 2).toString() === 'PK', 'the XLSX downloads as a workbook', `${xlsx.status()}`);
    await inspect(page, 'round-desktop');

    await page.goto(`${open}${state.roundHref}?lang=en`);
    const en = await page.locator('#submissions + .scroll tbody tr', { has: page.locator(`a[href*="/tasks/${TASK}"]`) }).filter({ hasText: 'Department of Justice' }).innerText().catch(() => '');
    check(
      (await page.locator('h1').innerText()).startsWith('Reporting round Q') && en.includes('Returned') && en.includes('Reason:'),
      'the round reads in English on request',
      en,
    );

    await page.goto(`${open}/rounds/2017-Q4`);
    const old = await page.locator('dl.facts dd').allInnerTexts();
    check(
      (await page.locator('h1').innerText()) === 'Kỳ báo cáo Quý IV/2017' && old[0] === '15/09/2017 – 14/12/2017' && old[1].startsWith('18/12/2017'),
      'the round of 2017-Q4 has the window 15/09/2017 – 14/12/2017 and the deadline 18/12/2017',
      `${old.slice(0, 2)}`,
    );
    check(old[1].includes('đã qua hạn'), 'and says its deadline has passed', old[1]);
  } finally {
    await browser.close();
  }
}

async function roundOnPhone() {
  const { browser, page } = await session('dic.planner', PHONE);
  try {
    await page.goto(`${open}/rounds`);
    await inspect(page, 'rounds-phone');
    await page.goto(`${open}${state.roundHref}`);
    await inspect(page, 'round-phone');
  } finally {
    await browser.close();
  }
}

async function leaderAsks() {
  const { browser, page } = await session('vice.chair', DESKTOP);
  try {
    await page.goto(`${open}/tasks/${TASK}`);
    check((await page.locator('li[id^="report-"] details.review-form').count()) === 0, 'the vice-chair is offered no review form');
    await page.getByText('Yêu cầu đơn vị giải trình', { exact: true }).click();
    const form = page.locator(`form[action="/tasks/${TASK}/explanations"]`);
    check(await form.isVisible(), 'opening "Yêu cầu đơn vị giải trình" shows the form');
    const choices = await form.getByLabel('Đơn vị giải trình').locator('option').allInnerTexts();
    check(choices.includes('Sở Tư pháp'), 'Sở Tư pháp is among the agencies to ask', `${choices}`);
    await form.getByLabel('Đơn vị giải trình').selectOption('STP');
    await form.getByLabel('Nội dung yêu cầu giải trình').fill(QUESTION);
    const due = await form.getByLabel('Hạn trả lời').inputValue();
    check(due > state.today, 'the answer is due after today by default', `${due}`);
    await Promise.all([page.waitForURL(/sent=asked/), form.getByRole('button', { name: 'Gửi yêu cầu' }).click()]);
    check((await page.getByRole('status').first().innerText()).includes('Đã gửi yêu cầu giải trình'), 'the page confirms the request');
    // The new request (a second run on the same service finds the first one answered).
    const asked = page.locator('li[id^="explanation-"]', { hasText: QUESTION }).filter({ hasText: 'Chưa có giải trình.' });
    const text = await asked.innerText();
    check(text.includes('Sở Tư pháp') && text.includes('Chưa có giải trình.'), 'the request is listed, not answered yet', text);
    check((await asked.locator('textarea').count()) === 0, 'the vice-chair cannot answer it for the agency');
    state.explanationId = Number((await asked.getAttribute('id')).slice('explanation-'.length));
    await openDetails(page);
    await inspect(page, 'task-explanation-desktop');
  } finally {
    await browser.close();
  }
}

async function officerAnswers() {
  const phone = await session('stp.officer', PHONE);
  try {
    await phone.page.goto(`${open}/my`);
    await inspect(phone.page, 'my-explanation-phone');
    await phone.page.goto(`${open}/tasks/${TASK}`);
    await inspect(phone.page, 'task-answer-phone');
  } finally {
    await phone.browser.close();
  }
  const { browser, page } = await session('stp.officer', DESKTOP);
  try {
    await page.goto(`${open}/my`);
    const section = page.locator('#explanations');
    const listed = section.locator('li').filter({ hasText: QUESTION });
    const item = await listed.innerText().catch(() => '');
    check(item.includes(`Nhiệm vụ ${TASK}`) && item.includes('hạn trả lời'), 'the officer finds the request on /my', item);
    await inspect(page, 'my-explanation-desktop');
    await Promise.all([page.waitForURL(new RegExp(`/tasks/${TASK}`)), listed.getByRole('link', { name: `Nhiệm vụ ${TASK}` }).click()]);
    check(page.url().endsWith(`#explanation-${state.explanationId}`), 'its link opens the request on the task page', page.url());
    const mark = await page.locator(`#report-${state.reportId}`).innerText();
    check(mark.includes('Bị trả lại, không được tính') && mark.includes(REASON), 'the officer sees the report returned, with the reason', mark);
    const request = page.locator(`#explanation-${state.explanationId}`);
    const form = request.locator('form');
    check((await form.getAttribute('action')) === `/explanations/${state.explanationId}/answer`, 'the officer may answer it there');
    await inspect(page, 'task-answer-desktop');
    await request.getByLabel('Nội dung giải trình').fill(ANSWER);
    await Promise.all([page.waitForURL(/sent=answered/), request.getByRole('button', { name: 'Gửi giải trình' }).click()]);
    check((await page.getByRole('status').first().innerText()).includes('Đã gửi nội dung giải trình'), 'the page confirms the answer');
    const answered = await page.locator(`#explanation-${state.explanationId}`).innerText();
    check(answered.includes('Giải trình của đơn vị') && answered.includes(ANSWER), 'the answer is shown under the request', answered);
    await page.goto(`${open}/my`);
    check((await page.locator('#explanations li', { hasText: QUESTION }).count()) === 0, 'an answered request leaves /my');
  } finally {
    await browser.close();
  }
}

async function leaderReads() {
  for (const [viewport, suffix] of [
    [DESKTOP, 'desktop'],
    [PHONE, 'phone'],
  ]) {
    const { browser, page } = await session('vice.chair', viewport);
    try {
      await page.goto(`${open}/tasks/${TASK}#explanation-${state.explanationId}`);
      const text = await page.locator(`#explanation-${state.explanationId}`).innerText();
      check(text.includes('Giải trình của đơn vị') && text.includes(ANSWER), `the vice-chair reads the answer (${suffix})`, text);
      await openDetails(page);
      await inspect(page, `task-explained-${suffix}`);
    } finally {
      await browser.close();
    }
  }
}

try {
  await officerReports();
  await plannerReturns();
  await roundOnPhone();
  await leaderAsks();
  await officerAnswers();
  await leaderReads();
} catch (error) {
  check(false, 'the journeys ran to the end', error.stack || String(error));
}
process.exit(report() ? 0 : 1);
