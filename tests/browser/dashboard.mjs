// The dashboard in a real browser (Debian's Chromium driven by playwright-core), in English and Japanese:
// log in, read the overview, filter the device list, open a device and its history, see the diff, log out.
// A JavaScript dialog (the hostile fleet's alert(...) strings), an uncaught page error or a CSP violation
// fails the test. Screenshots go to OUTDIR.
//   node dashboard.mjs URL USER PASSWORD OUTDIR
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(process.env.ANSHIN_TOOLS_DIR + '/');
const { chromium } = require('playwright-core');

const [url, user, password, outdir] = process.argv.slice(2);
const failures = [];
const check = (cond, what) => { if (!cond) { failures.push(what); console.error('FAIL: ' + what); } };

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
                                        args: ['--no-sandbox'] });
const timings = {};
try {
  for (const lang of ['en', 'ja']) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: lang });
    page.on('dialog', d => { failures.push(`${lang}: a dialog opened: ${d.message()}`); d.dismiss(); });
    page.on('pageerror', e => failures.push(`${lang}: page error: ${e.message}`));
    // 401 answers are expected (a wrong password, pages asked for after logging out); nothing else may be logged.
    page.on('console', m => {
      if (m.type() === 'error' && !/status of 401/.test(m.text())) failures.push(`${lang}: console error: ${m.text()}`);
    });
    const ready = async (route) => page.waitForSelector(`body[data-ready="${route}"]`, { timeout: 15000 });
    const shot = async (name) => page.screenshot({ path: path.join(outdir, `${lang}-${name}.png`), fullPage: true });

    // Log in (login is required: the inventory holds users).
    await page.goto(`${url}/?lang=${lang}`);
    await ready('/login');
    await shot('login');
    await page.fill('#login-user', user);
    await page.fill('#login-password', 'wrong password!');
    await page.click('#login-submit');
    await page.waitForFunction(() => document.querySelector('#login-status').textContent.length > 0);
    check(await page.locator('body[data-ready="/login"]').count() === 1, `${lang}: a wrong password stays on the login page`);
    await page.fill('#login-password', password);
    const t0 = Date.now();
    await page.click('#login-submit');
    await ready('/');
    timings[`${lang}_overview_ms`] = Date.now() - t0;
    check(await page.locator('#cards .card').count() === 4, `${lang}: four overview cards`);
    check((await page.locator('#policy-table tbody tr').count()) > 0, `${lang}: policy exposure listed`);
    const heading = await page.locator('h2').first().textContent();
    check(heading === (lang === 'ja' ? '概要' : 'Overview'), `${lang}: overview heading "${heading}"`);
    await shot('overview');

    // Filter the device list: Hikvision, at least high.
    await page.click('#nav a[href="#/devices"]');
    await ready('/devices');
    const all = await page.locator('#device-table tbody tr').count();
    await page.fill('#filter-q', '127.120.20.');  // the default fleet: seen in both scans
    await page.fill('#filter-maker', 'hikvision');
    await page.selectOption('#filter-severity', 'high');
    await page.click('#filter-apply');
    await page.waitForFunction(() => location.hash.includes('maker=hikvision'));
    await ready('/devices');
    const rows = page.locator('#device-table tbody tr');
    const n = await rows.count();
    check(n > 0 && n < all, `${lang}: the filter narrows the list (${all} -> ${n})`);
    for (let i = 0; i < n; ++i) {
      const maker = await rows.nth(i).locator('td').nth(2).textContent();
      check(/hikvision/i.test(maker), `${lang}: row ${i} is a Hikvision device ("${maker}")`);
    }
    await page.click('#device-table a.sort[data-sort="firmware"]');
    await page.waitForFunction(() => location.hash.includes('sort=firmware'));
    await ready('/devices');
    await shot('devices-filtered');

    // Open a device and its history.
    await rows.first().locator('a').first().click();
    await ready(await page.evaluate(() => location.hash.slice(1).split('?')[0]));
    check((await page.locator('#history tbody tr').count()) === 2, `${lang}: the device was seen in both scans`);
    check((await page.locator('#timeline li').count()) >= 1, `${lang}: a history timeline`);
    check((await page.locator('#findings .finding').count()) > 0, `${lang}: findings with remediation`);
    check((await page.locator('#findings .remediation').count()) > 0, `${lang}: remediation shown`);
    const findingText = await page.locator('#findings').textContent();
    check(/[\u3040-\u30ff\u4e00-\u9fff]/.test(findingText) === (lang === 'ja'), `${lang}: finding texts in the page's language`);
    await shot('device');

    // The hostile fleet's devices: markup stays text.
    await page.goto(`${url}/?lang=${lang}#/devices?q=127.120.21.&limit=200`);
    await ready('/devices');
    const text = await page.locator('#device-table').textContent();
    check(text.includes('<script>') || text.includes('<img'), `${lang}: hostile markup shown as text`);
    check(await page.locator('#device-table script, #device-table img, #device-table svg').count() === 0,
          `${lang}: no element made from a device string`);
    await shot('hostile');

    // The diff between the two scans.
    await page.click('#nav a[href="#/diff"]');
    await ready('/diff');
    check((await page.locator('#diff-new_devices li').count()) > 0, `${lang}: the diff lists new devices`);
    await shot('diff');

    await page.click('#logout');
    await ready('/login');
    await page.goto(`${url}/?lang=${lang}#/devices`);
    await ready('/login');
    await page.close();
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(timings));
if (failures.length) {
  console.error(failures.join('\n'));
  process.exit(1);
}
