// Checks GraphiQL (GET /graphql) in headless Chromium on a network with no route to other hosts:
// every request for another host is aborted and recorded, and the page must still load, show its
// editor and docs explorer, and run a query.
//
// As a module: `await checkGraphiql(browser, base, shotsDir)` (run.sh / dashboard.mjs call it);
// `browser` is a playwright-core Browser (a new context is opened and closed), or a
// BrowserContext, or the `{ context }` that dashboard.mjs's launch() returns (the context is
// routed for the check and unrouted after). A fourth argument `{ check }` hands each check to
// the caller's `check(ok, what, detail)`; without it, one `ok`/`FAIL` line is printed per check.
// Returns `{ passed, failures, screenshot }`; throws only if the page cannot be driven at all.
//
// Standalone: node tests/browser/graphiql.mjs http://127.0.0.1:PORT
// (drives /usr/bin/chromium, or $CHROMIUM; screenshot to $BROWSER_OUT, default target/browser/;
// exits 1 listing the failed checks).

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser, outDir } from './common.mjs';

const DESKTOP = { width: 1366, height: 900 };
// A debug build on two cores serves the 1 MB GraphiQL bundle slowly; GRAPHIQL_TIMEOUT_MS shortens
// the wait when trying the check against a page that will never render.
const TIMEOUT = Number(process.env.GRAPHIQL_TIMEOUT_MS) || 90_000;
// A public query that the seeded database answers: the province's plan.
const QUERY = '{ plan { code } }';
const EXPECTED_CODE = '681/KH-UBND';

/** The value of the CodeMirror editor inside `selector`. */
function editorValue(page, selector) {
  return page.$eval(selector, (el) => el.querySelector('.CodeMirror')?.CodeMirror?.getValue() ?? null);
}

export async function checkGraphiql(browser, base, shotsDir, { check: report } = {}) {
  base = base.replace(/\/$/, '');
  const serviceHost = new URL(base).host;
  const failures = [];
  let passed = 0;
  /** Counts one check, and hands it to the caller's `check` or prints it. */
  const tally = (ok, what, detail = '') => {
    if (ok) passed += 1;
    else failures.push(detail ? `${what}: ${detail}` : what);
    if (report) report(ok, what, detail);
    else console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}${!ok && detail ? `: ${detail}` : ''}`);
    return ok;
  };

  // A context of our own when given a Browser; otherwise the caller's context, routed for now.
  let context;
  let ownContext = false;
  if (typeof browser?.newContext === 'function') {
    context = await browser.newContext({ viewport: DESKTOP, locale: 'en-GB' });
    ownContext = true;
  } else if (typeof browser?.route === 'function') {
    context = browser;
  } else if (typeof browser?.context?.route === 'function') {
    context = browser.context;
  } else {
    throw new Error('checkGraphiql: pass a playwright Browser, a BrowserContext or { context }');
  }

  // The closed network: only the service's own host answers.
  const foreign = [];
  const routeHandler = async (route) => {
    const url = new URL(route.request().url());
    if (url.host === serviceHost) {
      await route.continue();
    } else {
      foreign.push(route.request().url());
      await route.abort('blockedbyclient');
    }
  };
  await context.route('**/*', routeHandler);

  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  if (!ownContext) await page.setViewportSize(DESKTOP);
  const pageErrors = [];
  const failed = [];
  const assets = [];
  const graphqlPosts = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('websocket', (socket) => {
    // Routes do not see websockets; a socket to another host counts as a foreign request too.
    if (new URL(socket.url()).host !== serviceHost) foreign.push(socket.url());
  });
  page.on('requestfailed', (r) => {
    if (new URL(r.url()).host === serviceHost) failed.push(`${r.url()} failed: ${r.failure()?.errorText}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400) failed.push(`${r.url()} answered ${r.status()}`);
    const url = new URL(r.url());
    if (url.host === serviceHost && url.pathname.startsWith('/assets/')) assets.push(r);
  });
  page.on('request', (r) => {
    if (r.method() === 'POST' && new URL(r.url()).pathname === '/graphql') graphqlPosts.push(r);
  });

  let screenshot = null;
  try {
    try {
      const response = await page.goto(`${base}/graphql`, { waitUntil: 'domcontentloaded' });
      tally(response?.status() === 200, 'GET /graphql answers 200', `got ${response?.status()}`);
      tally(
        (response?.headers()['content-type'] || '').startsWith('text/html'),
        'GET /graphql is text/html',
        response?.headers()['content-type'],
      );
      tally((await page.title()) === 'egov-tracker GraphiQL', 'GraphiQL page title', await page.title());
      tally((await page.getAttribute('html', 'lang')) === 'en', '<html lang="en"> on GraphiQL');
      // Every script and stylesheet (the empty `data:,` icon aside) is one of the service's files.
      const addresses = await page.$$eval('script[src], link[href]:not([href="data:,"])', (els) =>
        els.map((el) => el.getAttribute('src') ?? el.getAttribute('href')),
      );
      const elsewhere = addresses.filter((a) => !a.startsWith('/assets/'));
      tally(
        elsewhere.length === 0 && addresses.length >= 6,
        `GraphiQL's ${addresses.length} scripts and stylesheets are all under /assets/`,
        elsewhere.join(', '),
      );

      // The editor, with the schema loaded (the docs and the run button need it).
      const editor = page.locator('.graphiql-query-editor .CodeMirror');
      await editor.waitFor({ state: 'visible' });
      tally(true, 'GraphiQL renders its query editor');

      // Type the query as a person would: select all, replace. insertText keeps CodeMirror from
      // auto-closing the braces as they are typed.
      await editor.click();
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.press('Backspace');
      await page.keyboard.insertText(QUERY);
      let typed = await editorValue(page, '.graphiql-query-editor');
      if (typed !== QUERY) {
        // Fall back to CodeMirror's own API, and say so.
        console.log(`note: typing left ${JSON.stringify(typed)} in the editor; setting it directly`);
        await page.$eval(
          '.graphiql-query-editor .CodeMirror',
          (el, query) => el.CodeMirror.setValue(query),
          QUERY,
        );
        typed = await editorValue(page, '.graphiql-query-editor');
      }
      tally(typed === QUERY, `the query editor holds ${QUERY}`, JSON.stringify(typed));

      const postsBefore = graphqlPosts.length;
      await page.locator('button.graphiql-execute-button').click();
      let result = null;
      try {
        await page.waitForFunction(
          (code) => {
            const cm = document.querySelector('.graphiql-response .CodeMirror')?.CodeMirror;
            return cm && cm.getValue().includes(code);
          },
          EXPECTED_CODE,
          { timeout: TIMEOUT },
        );
      } catch {
        // reported below with whatever the result pane holds
      }
      result = await editorValue(page, '.graphiql-response');
      let parsed = null;
      try {
        parsed = JSON.parse(result);
      } catch {
        // not JSON: reported below
      }
      tally(
        parsed?.data?.plan?.code === EXPECTED_CODE && !parsed?.errors,
        `running the query shows plan.code = ${EXPECTED_CODE} in the result pane`,
        (result || '(empty)').slice(0, 300),
      );
      const run = graphqlPosts.slice(postsBefore).find((r) => (r.postData() || '').includes('plan'));
      const config = JSON.parse(await page.$eval('#graphiql-config', (el) => el.textContent));
      const sent = run ? (await run.allHeaders())['x-egov-csrf'] : undefined;
      tally(
        run !== undefined && (config.csrfToken ? sent === config.csrfToken : sent === undefined),
        config.csrfToken
          ? 'the query was POSTed to /graphql with the session token in x-egov-csrf'
          : 'the query was POSTed to /graphql (no session, so no x-egov-csrf header)',
        run ? `x-egov-csrf: ${sent}` : 'no POST /graphql carrying the query',
      );

      // The docs explorer: root types, then the query type's fields.
      await page.locator('button[aria-label="Show Documentation Explorer"]').click();
      const docs = page.locator('.graphiql-doc-explorer');
      await docs.waitFor({ state: 'visible' });
      const queryRoot = docs.locator('a.graphiql-doc-explorer-type-name').first();
      await queryRoot.waitFor({ state: 'visible' });
      const rootName = await queryRoot.innerText();
      await queryRoot.click();
      const planField = docs.locator('a.graphiql-doc-explorer-field-name', { hasText: /^plan$/ });
      let fieldShown = true;
      try {
        await planField.first().waitFor({ state: 'visible', timeout: 30_000 });
      } catch {
        fieldShown = false;
      }
      tally(
        fieldShown,
        `the docs explorer opens and lists the fields of ${rootName} (plan among them)`,
        (await docs.innerText()).slice(0, 300),
      );
      // Back to the root so that the screenshot shows the explorer's first page and the result.
      const back = docs.locator('.graphiql-doc-explorer-back');
      if (await back.count()) await back.first().click();

      // The vendored files are served here, by hashed name, cached for good.
      const badAssets = [];
      for (const r of assets) {
        const cache = r.headers()['cache-control'] || '';
        if (r.status() !== 200 || !cache.includes('immutable')) {
          badAssets.push(`${r.url()} ${r.status()} ${cache}`);
        }
      }
      const assetNames = assets.map((r) => path.basename(new URL(r.url()).pathname));
      tally(
        badAssets.length === 0 &&
          ['react', 'react-dom', 'graphiql'].every((stem) =>
            assetNames.some((n) => new RegExp(`^${stem}\\.[0-9a-f]{12}\\.js$`).test(n)),
          ) &&
          assetNames.some((n) => /^graphiql\.[0-9a-f]{12}\.css$/.test(n)),
        `React, ReactDOM and GraphiQL came from /assets/ (${assets.length} files, immutable)`,
        [...badAssets, `got ${assetNames.join(', ')}`].join('; '),
      );
    } catch (error) {
      // A page that never renders (say, one waiting for a CDN) still gets the checks below.
      tally(false, 'GraphiQL could be driven to the end', error?.message || String(error));
    }

    tally(foreign.length === 0, 'GraphiQL asked no other host for anything', foreign.join(', '));
    tally(pageErrors.length === 0, 'GraphiQL raised no script error', pageErrors.join('; '));
    tally(failed.length === 0, 'every request GraphiQL made succeeded', failed.join('; '));

    fs.mkdirSync(shotsDir, { recursive: true });
    screenshot = path.join(shotsDir, 'graphiql-desktop.png');
    await page.screenshot({ path: screenshot });
    console.log(`screenshot: ${screenshot}`);
  } finally {
    await page.close();
    if (ownContext) await context.close();
    else await context.unroute('**/*', routeHandler);
  }
  return { passed, failures, screenshot };
}

// Run on its own: node graphiql.mjs http://127.0.0.1:PORT
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const base = (process.argv[2] || '').replace(/\/$/, '');
  if (!/^https?:\/\//.test(base)) {
    console.error('usage: node graphiql.mjs http://127.0.0.1:PORT');
    process.exit(2);
  }
  const started = Date.now();
  const browser = await launchBrowser();
  let outcome;
  try {
    outcome = await checkGraphiql(browser, base, outDir);
  } catch (error) {
    outcome = { passed: 0, failures: [`unexpected error: ${error?.stack || error}`] };
    console.log(`FAIL unexpected error: ${error?.message || error}`);
  } finally {
    await browser.close();
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (outcome.failures.length > 0) {
    console.error(`\nGraphiQL browser test FAILED (${outcome.failures.length} checks, ${seconds} s):`);
    for (const failure of outcome.failures) console.error(`  - ${failure}`);
    process.exit(1);
  }
  console.log(`GraphiQL browser test: all ${outcome.passed} checks passed in ${seconds} s`);
}
