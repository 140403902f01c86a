#!/usr/bin/env bash
# The HTML report in headless Chromium, in English and Japanese: DOM assertions (one row and one section
# per device, the filter and click-to-sort work, the print stylesheet hides the controls), proof that the
# hostile device strings stay text (no dialog opens, no injected element exists), and artifacts for review:
#   <build>/test-artifacts/report-{en,ja}.png       screenshot, 1280x2000 viewport
#   <build>/test-artifacts/report-{en,ja}-full.png  the whole page
#   <build>/test-artifacts/report-{en,ja}.pdf       the A4 print rendering
#   <build>/test-artifacts/report-{en,ja}-print.png first A4 page width of the print stylesheet
# The reports come from report_tests (HtmlArtifacts.WriteReports: canonical fleet + one hostile device).
# Chromium is driven over the DevTools protocol on a pipe (--remote-debugging-pipe) by plain Node: no npm
# package, no network. Skips (exit 0, with a message) when chromium or node is not installed.
set -euo pipefail

ANSHIN=${1:?usage: html_report_chromium.sh path/to/anshin}
BUILD=$(cd "$(dirname "$ANSHIN")" && pwd)
ART="$BUILD/test-artifacts"

CHROMIUM=""
for c in chromium chromium-browser google-chrome; do
  if command -v "$c" >/dev/null 2>&1; then CHROMIUM=$(command -v "$c"); break; fi
done
if [ -z "$CHROMIUM" ]; then
  echo "SKIP: chromium is not installed (apt-get install -y chromium, or scripts/install-deps)"
  exit 0
fi
if ! command -v node >/dev/null 2>&1; then
  echo "SKIP: node is not installed (needed to drive chromium over the DevTools protocol)"
  exit 0
fi
if [ ! -x "$BUILD/report_tests" ]; then
  echo "FAIL: $BUILD/report_tests not built (cmake --build $BUILD --target report_tests)" >&2
  exit 1
fi

mkdir -p "$ART"
"$BUILD/report_tests" --gtest_filter='HtmlArtifacts.*' >/dev/null
for lang in en ja; do
  [ -s "$ART/report-$lang.html" ] || { echo "FAIL: $ART/report-$lang.html was not written" >&2; exit 1; }
done

DEVTOOLS_PIPE="$(cd "$(dirname "$0")" && pwd)/lib/devtools_pipe.js" CHROMIUM="$CHROMIUM" ART="$ART" node - <<'JS'
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');

const art = process.env.ART;
const cdp = require(process.env.DEVTOOLS_PIPE).launch(process.env.CHROMIUM, 120000);
const { send, waitFor, listeners, check } = cdp;

async function checkReport(lang) {
  const file = path.join(art, 'report-' + lang + '.html');
  const { targetId } = await send('Target.createTarget', { url: 'about:blank' });
  const { sessionId } = await send('Target.attachToTarget', { targetId, flatten: true });
  const s = (method, params) => send(method, params, sessionId);
  const dialogs = [];
  const violations = [];
  const requests = [];
  listeners.add((msg) => {
    if (msg.sessionId !== sessionId) return;
    if (msg.method === 'Page.javascriptDialogOpening') {
      dialogs.push(msg.params.message);
      s('Page.handleJavaScriptDialog', { accept: false }).catch(() => {});
    } else if (msg.method === 'Log.entryAdded' && /Content Security Policy/i.test(msg.params.entry.text)) {
      violations.push(msg.params.entry.text);
    } else if (msg.method === 'Network.requestWillBeSent') {
      requests.push(msg.params.request.url);
    }
  });
  await s('Page.enable');
  await s('Runtime.enable');
  await s('Log.enable');
  await s('Network.enable');
  await s('Emulation.setDeviceMetricsOverride', { width: 1280, height: 2000, deviceScaleFactor: 1, mobile: false });
  const loaded = waitFor('Page.loadEventFired', sessionId);
  await s('Page.navigate', { url: 'file://' + file });
  await loaded;

  const js = async (expression) => {
    const r = await s('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true });
    if (r.exceptionDetails) throw new Error('evaluate failed: ' + expression + '\n' + JSON.stringify(r.exceptionDetails));
    return r.result.value;
  };
  const visibleRows = () => js(`Array.from(document.querySelectorAll('#device-table tbody tr'))
      .filter(r => !r.hidden && getComputedStyle(r).display !== 'none').map(r => r.dataset.address)`);
  const click = async (selector) => {
    const box = await js(`(() => { const e = document.querySelector(${JSON.stringify(selector)});
        e.scrollIntoView({block: 'center'}); const r = e.getBoundingClientRect();
        return {x: r.left + r.width / 2, y: r.top + r.height / 2}; })()`);
    for (const type of ['mousePressed', 'mouseReleased'])
      await s('Input.dispatchMouseEvent', { type, x: box.x, y: box.y, button: 'left', clickCount: 1 });
  };
  const type = async (text) => {
    await js(`(() => { const i = document.getElementById('filter'); i.focus(); i.select(); })()`);
    await s('Input.dispatchKeyEvent', { type: 'keyDown', key: 'Backspace', code: 'Backspace', windowsVirtualKeyCode: 8 });
    await s('Input.dispatchKeyEvent', { type: 'keyUp', key: 'Backspace', code: 'Backspace', windowsVirtualKeyCode: 8 });
    if (text) await s('Input.insertText', { text });
  };

  // Artifacts first, of the page as it opens.
  const shot = await s('Page.captureScreenshot', { format: 'png' });
  fs.writeFileSync(path.join(art, 'report-' + lang + '.png'), Buffer.from(shot.data, 'base64'));
  const height = await js('Math.ceil(document.documentElement.scrollHeight)');
  const full = await s('Page.captureScreenshot', {
    format: 'png', captureBeyondViewport: true, clip: { x: 0, y: 0, width: 1280, height, scale: 1 } });
  fs.writeFileSync(path.join(art, 'report-' + lang + '-full.png'), Buffer.from(full.data, 'base64'));

  console.log('# ' + lang + ': ' + file);
  check(await js('document.documentElement.lang') === lang, `<html lang="${lang}">`);
  const all = await visibleRows();
  check(all.length === 5, 'five device rows: ' + all.join(' '));
  check(await js(`document.querySelectorAll('section.device').length`) === 5, 'five device sections');
  check(await js(`Array.from(document.querySelectorAll('#device-table tbody a[href^="#host-"]'))
      .every(a => document.getElementById(a.getAttribute('href').slice(1)) !== null)`), 'every row links to its section');
  check(await js(`document.querySelector('[data-metric="devices"]').textContent`) === '5', 'summary: 5 devices');
  check(await js(`document.querySelector('[data-metric="policy-named"]').textContent`) === '2', 'summary: 2 policy-named');
  check(await js(`document.querySelectorAll('svg.chart').length`) === 2, 'two SVG charts');
  const status = await js(`document.getElementById('filter-status').textContent`);
  check(/5/.test(status), 'the script ran under the CSP (filter status "' + status + '")');

  // Hostile strings are text, nothing executed or injected.
  check(await js(`document.querySelectorAll('script').length`) === 1, 'exactly one <script> (ours)');
  check(await js(`document.querySelectorAll('img, iframe, object, embed').length`) === 0, 'no img/iframe/object/embed');
  check(await js(`document.querySelectorAll('[onerror], [onload], [onmouseover], [onclick]').length`) === 0,
        'no event-handler attributes');
  check(await js(`Array.from(document.querySelectorAll('a[href]')).every(a => /^(https?:|#)/.test(a.getAttribute('href')))`),
        'links are http(s) or in-page only');
  const hostile = `document.querySelector('tr[data-address="10.20.0.66"]')`;
  check(await js(`${hostile}.cells[3].textContent`) === '<script>alert(1)</script>', 'hostile model shown as text');
  check((await js(`${hostile}.cells[2].textContent`)).includes('"><img src=x onerror=alert(1)>'), 'hostile brand shown as text');
  check(await js(`${hostile}.cells[4].textContent`) === '\\x1b[31m\\x1b]0;pwned\\x07', 'terminal escapes shown as \\xNN');
  check(await js(`document.querySelector('#host-10\\\\.20\\\\.0\\\\.66').textContent.includes('=HYPERLINK("http://x")')`),
        'formula serial shown as text');

  // Filter (typed for real) and sort (clicked for real).
  await type('dahua');
  check(JSON.stringify(await visibleRows()) === '["10.20.0.30"]', 'filter "dahua" leaves the Dahua NVR');
  await type('telnet');
  check(JSON.stringify(await visibleRows()) === '["10.20.0.30"]', 'filter matches finding ids (exposure.telnet)');
  await type('zzzz-nothing');
  check((await visibleRows()).length === 0 && await js(`!document.getElementById('no-match').hidden`),
        'no match: rows hidden and the no-match note shown');
  await type('');
  check((await visibleRows()).length === 5, 'clearing the filter shows every row');
  await click('#device-table thead th:nth-child(1) button');
  check(JSON.stringify(await visibleRows()) === '["10.20.0.5","10.20.0.21","10.20.0.30","10.20.0.40","10.20.0.66"]',
        'click "address": numeric address order');
  check(await js(`document.querySelector('#device-table thead th:nth-child(1)').getAttribute('aria-sort')`) === 'ascending',
        'aria-sort=ascending');
  await click('#device-table thead th:nth-child(1) button');
  check((await visibleRows())[0] === '10.20.0.66', 'second click: descending');
  await click('#device-table thead th:nth-child(7) button');
  const bySeverity = await visibleRows();
  check(bySeverity[0] === '10.20.0.21' && bySeverity[1] === '10.20.0.30' && bySeverity[2] === '10.20.0.66',
        'click "highest severity": critical first (' + bySeverity.join(' ') + ')');

  // Print: no controls, the summary without the per-device sections (report_print_mobile.sh counts the pages);
  // keep the A4 PDF.
  await s('Emulation.setEmulatedMedia', { media: 'print' });
  check(await js(`getComputedStyle(document.querySelector('.controls')).display`) === 'none', 'print: filter hidden');
  check(await js(`getComputedStyle(document.getElementById('details')).display`) === 'none',
        'print: per-device sections left out');
  check(await js(`getComputedStyle(document.getElementById('actions')).display`) !== 'none', 'print: top actions kept');
  await s('Emulation.setDeviceMetricsOverride', { width: 794, height: 1123, deviceScaleFactor: 1, mobile: false });
  await js('window.scrollTo(0, 0)');
  const printShot = await s('Page.captureScreenshot', { format: 'png' });
  fs.writeFileSync(path.join(art, 'report-' + lang + '-print.png'), Buffer.from(printShot.data, 'base64'));
  await s('Emulation.setDeviceMetricsOverride', { width: 1280, height: 2000, deviceScaleFactor: 1, mobile: false });
  await s('Emulation.setEmulatedMedia', { media: '' });
  const pdf = await s('Page.printToPDF', { paperWidth: 8.27, paperHeight: 11.69, printBackground: true, preferCSSPageSize: true });
  fs.writeFileSync(path.join(art, 'report-' + lang + '.pdf'), Buffer.from(pdf.data, 'base64'));

  check(dialogs.length === 0, 'no dialog opened' + (dialogs.length ? ': ' + dialogs.join(', ') : ''));
  check(violations.length === 0, 'no CSP violation' + (violations.length ? ': ' + violations.join(' | ') : ''));
  const external = requests.filter((u) => !u.startsWith('file://') && !u.startsWith('data:') && u !== 'about:blank');
  check(external.length === 0, 'no network request' + (external.length ? ': ' + external.join(' ') : ''));
  await send('Target.closeTarget', { targetId });
}

(async () => {
  try {
    for (const lang of ['en', 'ja']) await checkReport(lang);
  } catch (e) {
    console.error('FAIL: ' + (e && e.stack || e));
    cdp.failures += 1;
  }
  cdp.finish(art);
})();
JS
