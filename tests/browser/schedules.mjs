// Scheduled audits in a real browser (Debian's Chromium driven by playwright-core), in one language: an
// administrator logs in, opens the Schedules page, starts a scan of SITE with its button, follows the job
// until it is done, then sees the diff against the site's previous scan (the lab's fleet was changed before:
// a replaced unit at REPLACED) and the alerts it raised; the site form refuses a public target. A dialog, a page error or a console error fails the
// test. Times are shown in the browser's time zone: Asia/Tokyo for ja, Asia/Kolkata (+05:30) for en.
// Screenshots go to OUTDIR as LANG-schedules*.png, LANG-scan-diff.png, LANG-scan-alerts.png.
//   node schedules.mjs URL USER PASSWORD OUTDIR LANG SITE REPLACED
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(process.env.ANSHIN_TOOLS_DIR + '/');
const { chromium } = require('playwright-core');

const [url, user, password, outdir, lang, site, replaced] = process.argv.slice(2);
const failures = [];
const check = (cond, what) => { if (!cond) { failures.push(what); console.error('FAIL: ' + what); } };

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
                                        args: ['--no-sandbox'] });
const timings = {};
try {
  const zone = lang === 'ja' ? { id: 'Asia/Tokyo', minutes: 9 * 60, name: 'JST', sep: '/' }
                             : { id: 'Asia/Kolkata', minutes: 5 * 60 + 30, name: 'GMT+5:30', sep: '-' };
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: lang, timezoneId: zone.id });
  // The text a UTC time should have in the page: shifted by the zone's fixed offset here, not by Intl.
  const pad = n => String(n).padStart(2, '0');
  const localText = utc => {
    const d = new Date(Date.parse(utc) + zone.minutes * 60000);
    return [d.getUTCFullYear(), pad(d.getUTCMonth() + 1), pad(d.getUTCDate())].join(zone.sep) + ' ' +
           [pad(d.getUTCHours()), pad(d.getUTCMinutes()), pad(d.getUTCSeconds())].join(':') + ' ' + zone.name;
  };
  const checkTimes = async (selector, what) => {
    const times = await page.$$eval(selector, ts => ts.map(t => [t.getAttribute('datetime'), t.textContent]));
    check(times.length > 0, `${lang}: ${what}: times shown`);
    for (const [utc, shown] of times)
      check(/Z$/.test(utc) && shown === localText(utc), `${lang}: ${what}: ${utc} shown in ${zone.id} ("${shown}")`);
  };
  page.on('dialog', d => { failures.push(`${lang}: a dialog opened: ${d.message()}`); d.dismiss(); });
  page.on('pageerror', e => failures.push(`${lang}: page error: ${e.message}`));
  // The refused site (below) answers 400; nothing else may be logged.
  page.on('console', m => {
    if (m.type() === 'error' && !/status of 400/.test(m.text())) failures.push(`${lang}: console error: ${m.text()}`);
  });
  const ready = async (route) => page.waitForSelector(`body[data-ready="${route}"]`, { timeout: 15000 });
  const shot = async (name) => page.screenshot({ path: path.join(outdir, `${lang}-${name}.png`), fullPage: true });

  await page.goto(`${url}/?lang=${lang}`);
  await ready('/login');
  await page.fill('#login-user', user);
  await page.fill('#login-password', password);
  await page.click('#login-submit');
  await ready('/');

  await page.click('#nav a[href="#/schedules"]');
  await ready('/schedules');
  const heading = await page.locator('h2').first().textContent();
  check(heading === (lang === 'ja' ? '定期監査' : 'Scheduled audits'), `${lang}: schedules heading "${heading}"`);
  await shot('schedules');
  const rowText = await page.evaluate(name => {
    const row = [...document.querySelectorAll('#sites tbody tr')].find(r => r.getAttribute('data-site') === name);
    return row ? row.textContent : null;
  }, site);
  check(rowText !== null && rowText.includes(site), `${lang}: the site is listed, its name as text`);
  const nextRun = await page.evaluate(name => {
    const row = [...document.querySelectorAll('#sites tbody tr')].find(r => r.getAttribute('data-site') === name);
    const time = row && row.querySelector('time');
    return time ? time.getAttribute('datetime') : null;
  }, site);
  check(/^\d{4}-\d\d-\d\dT\d\d:\d\d:00Z$/.test(nextRun || ''), `${lang}: the next run is shown ("${rowText}")`);
  check(nextRun && rowText.includes(localText(nextRun)), `${lang}: the next run in ${zone.id} ("${rowText}")`);

  await page.goto(`${url}/?lang=${lang}#/alerts`);
  await ready('/alerts');
  const alertsBefore = await page.locator('#alerts tbody tr').count();
  await page.goto(`${url}/?lang=${lang}#/schedules`);
  await ready('/schedules');
  // The site form: a public target is refused by the server and the reason shown; nothing is saved.
  await page.fill('#site-name', 'public-test');
  await page.fill('#site-targets', '8.8.8.0/24');
  await page.click('#site-save');
  await page.waitForFunction(() => /8\.8\.8\.0/.test(document.querySelector('#schedule-status').textContent));
  check(!(await page.locator('#sites').textContent()).includes('public-test'), `${lang}: a refused site is not listed`);

  const done = () => page.locator('#jobs tr[data-state="done"]').count();
  const doneBefore = await done();
  const t0 = Date.now();
  await page.evaluate(name => [...document.querySelectorAll('button.start-scan')]
    .find(b => b.getAttribute('data-site') === name).click(), site);
  await page.waitForFunction(n => document.querySelectorAll('#jobs tr[data-state="done"]').length > n &&
                                  !document.querySelector('#jobs tr[data-state="queued"], #jobs tr[data-state="running"]'),
                             doneBefore, { timeout: 150000, polling: 250 });
  timings[`${lang}_scan_from_dashboard_ms`] = Date.now() - t0;
  await ready('/schedules');
  const newest = page.locator('#jobs tbody tr').first();
  const newestText = await newest.textContent();
  check(newestText.includes(lang === 'ja' ? '完了' : 'Done'), `${lang}: the job's state in the page's language ("${newestText}")`);
  check(newestText.includes(lang === 'ja' ? '手動で開始' : 'Started by hand'), `${lang}: the job's reason ("${newestText}")`);
  await checkTimes('#jobs tbody time', 'jobs due and finished');
  await shot('schedules-done');

  await page.click('#nav a[href="#/diff"]');
  await ready('/diff');
  const replacedItems = page.locator('#diff-replaced li');
  check(await replacedItems.count() === 1, `${lang}: one replaced unit in the diff`);
  const replacedText = await replacedItems.first().textContent();
  check(replacedText.includes(replaced) && replacedText.includes('→'), `${lang}: the replaced unit at ${replaced} ("${replacedText}")`);
  check((await page.locator('#diff-replaced h3').textContent()).includes(lang === 'ja' ? '入れ替わった' : 'Replaced'),
        `${lang}: the replaced section is titled in the page's language`);
  await shot('scan-diff');

  // Alerts are collected from finished scans every --alert-interval: look again until this scan's are there.
  let alertText = '';
  for (let i = 0; i < 30; ++i) {
    await page.goto(`${url}/?lang=${lang}#/alerts`);
    await ready('/alerts');
    alertText = await page.locator('#alerts').textContent();
    if (alertsBefore !== null && await page.locator('#alerts tbody tr').count() > alertsBefore) break;
    await page.waitForTimeout(500);
  }
  check(await page.locator('#alerts tbody tr').count() > alertsBefore && alertText.includes(replaced),
        `${lang}: the scan's alerts are listed (${replaced})`);
  check(lang === 'ja' ? alertText.includes('機器') : /device/i.test(alertText), `${lang}: alert kinds in the page's language`);
  await checkTimes('#alerts tbody time', 'alerts');
  await shot('scan-alerts');
  await page.close();
} finally {
  await browser.close();
}
console.log(JSON.stringify(timings));
if (failures.length) {
  console.error(failures.join('\n'));
  process.exit(1);
}
