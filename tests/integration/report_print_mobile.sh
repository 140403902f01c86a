#!/usr/bin/env bash
# The HTML report for a meeting and a phone (issue 13 item 5), in headless Chromium, en and ja:
#   - print-to-PDF (A4) page counts: at most 6 pages for the demo, at most 20 for a 1,000-device lab scan;
#   - at 390 px and 1366 px wide no element reaches past the viewport (wide tables scroll inside their box)
#     and no text is cut off by an overflow:hidden box;
#   - times are shown in the report maker's zone (TZ=Asia/Tokyo here) with the offset: "... JST (+09:00)".
# Artifacts kept in <build>/test-artifacts/print/:
#   {demo,fleet1000}-{en,ja}.html   the reports          {…}.pdf         their A4 print rendering
#   {…}-1366.png, {…}-390.png       first screen          demo-{en,ja}-390-full.png  the whole page at 390 px
#   pages.txt                        the page counts (one line per report)
# The demo is `anshin demo` on 127.123.2.0/24 and 127.123.3.0/24; the 1,000 devices are `anshin lab --scale 1000`
# on 127.123.16.0/22, scanned with `anshin scan` and rendered with `anshin report`. Loopback only.
# Skips (exit 77) when chromium or node is not installed.
set -euo pipefail

ANSHIN=$(cd "$(dirname "${1:?usage: report_print_mobile.sh path/to/anshin}")" && pwd)/$(basename "$1")
BUILD=$(dirname "$ANSHIN")
ART="$BUILD/test-artifacts/print"

CHROMIUM=""
for c in chromium chromium-browser google-chrome; do
  if command -v "$c" >/dev/null 2>&1; then CHROMIUM=$(command -v "$c"); break; fi
done
if [ -z "$CHROMIUM" ]; then echo "SKIP: chromium is not installed (scripts/install-deps)"; exit 77; fi
if ! command -v node >/dev/null 2>&1; then echo "SKIP: node is not installed (drives chromium)"; exit 77; fi

rm -rf "$ART"
mkdir -p "$ART"
WORK=$(mktemp -d)
LAB_PID=""
cleanup() {
  if [ -n "$LAB_PID" ]; then kill "$LAB_PID" 2>/dev/null || true; wait "$LAB_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
export TZ=Asia/Tokyo

# The demo, as a user runs it, once per language.
"$ANSHIN" demo --lang en --bind 127.123.2.0/24 --html "$ART/demo-en.html" --json "$WORK/demo-en.json" >"$WORK/demo-en.out"
"$ANSHIN" demo --lang ja --bind 127.123.3.0/24 --html "$ART/demo-ja.html" --json "$WORK/demo-ja.json" >"$WORK/demo-ja.out"

# 1,000 lab devices: serve, scan into an inventory, stop, report in both languages.
"$ANSHIN" lab --fleet default --bind 127.123.16.0/22 --scale 1000 --ready-file "$WORK/ready" >"$WORK/lab.out" 2>&1 &
LAB_PID=$!
for _ in $(seq 1 300); do [ -e "$WORK/ready" ] && break; sleep 0.1; done
[ -e "$WORK/ready" ] || { echo "FAIL: the lab did not start"; cat "$WORK/lab.out"; exit 1; }
"$ANSHIN" scan 127.123.16.0/22 --db "$WORK/fleet.db" --quiet --lang en >"$WORK/scan.out"
kill "$LAB_PID"; wait "$LAB_PID" 2>/dev/null || true; LAB_PID=""
for lang in en ja; do
  "$ANSHIN" report --db "$WORK/fleet.db" --format html --lang "$lang" -o "$ART/fleet1000-$lang.html"
done

DEVTOOLS_PIPE="$(cd "$(dirname "$0")" && pwd)/lib/devtools_pipe.js" CHROMIUM="$CHROMIUM" ART="$ART" node - <<'JS'
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');

const art = process.env.ART;
const reports = [
  { name: 'demo-en', maxPages: 6, devices: 28 }, { name: 'demo-ja', maxPages: 6, devices: 28 },
  { name: 'fleet1000-en', maxPages: 20, devices: 1000 }, { name: 'fleet1000-ja', maxPages: 20, devices: 1000 },
];
const cdp = require(process.env.DEVTOOLS_PIPE).launch(process.env.CHROMIUM, 1700000);
const { send, waitFor, listeners, check } = cdp;
const t0 = Date.now();

// Page objects of a PDF ("/Type /Page", not "/Pages"): Chromium writes them uncompressed.
function pdfPages(buf) { return (buf.toString('latin1').match(/\/Type\s*\/Page(?![A-Za-z])/g) || []).length; }

// Elements that reach past the viewport (outside a .scroll box, which scrolls instead), and boxes that cut
// their text off (overflow hidden and content wider than the box; the share bars are meant to clip).
// SKIP_DETAILS: the 1,000-device reports skip the device sections (the demo checks the same markup in full).
const OVERFLOW = (skipDetails) => `(() => {
  const vw = document.documentElement.clientWidth, out = [], skipDetails = ${skipDetails};
  const name = (e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\\s+/).join('.') : '');
  if (document.documentElement.scrollWidth > vw + 1) {
    // Name the innermost boxes whose content (text included) is wider than they are.
    const wide = Array.from(document.body.querySelectorAll('*')).filter((e) => !(e.parentElement && e.parentElement.closest('.scroll'))
        && !e.classList.contains('scroll') && e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1);
    const innermost = wide.filter((e) => !wide.some((o) => o !== e && e.contains(o)));
    out.push('page scrolls sideways: ' + document.documentElement.scrollWidth + ' > ' + vw + ' (' +
             innermost.slice(0, 4).map((e) => name(e) + ' ' + e.scrollWidth + '/' + e.clientWidth).join(', ') + ')');
  }
  for (const e of document.body.querySelectorAll('*')) {
    if (skipDetails && e.closest('#details')) continue;
    const r = e.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    const inScroll = e.parentElement && e.parentElement.closest('.scroll');
    if (!inScroll && (r.right > vw + 1 || r.left < -1)) out.push(name(e) + ' spans ' + Math.round(r.left) + '..' + Math.round(r.right));
    const cs = getComputedStyle(e);
    if ((cs.overflowX === 'hidden' || cs.overflowX === 'clip') && !e.closest('.share') && e.scrollWidth > e.clientWidth + 1)
      out.push(name(e) + ' cuts its content: ' + e.scrollWidth + ' > ' + e.clientWidth);
  }
  return out;
})()`;

async function checkReport(r) {
  const file = path.join(art, r.name + '.html');
  const lang = r.name.endsWith('-ja') ? 'ja' : 'en';
  const { targetId } = await send('Target.createTarget', { url: 'about:blank' });
  const { sessionId } = await send('Target.attachToTarget', { targetId, flatten: true });
  const s = (method, params) => send(method, params, sessionId);
  const js = async (expression) => {
    const res = await s('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true });
    if (res.exceptionDetails) throw new Error('evaluate failed: ' + JSON.stringify(res.exceptionDetails));
    return res.result.value;
  };
  await s('Page.enable');
  await s('Runtime.enable');
  await s('Emulation.setTimezoneOverride', { timezoneId: 'Asia/Tokyo' });
  const loaded = waitFor('Page.loadEventFired', sessionId);
  await s('Page.navigate', { url: 'file://' + file });
  await loaded;
  console.log('# ' + r.name + ' (' + Math.round((Date.now() - t0) / 1000) + ' s)');
  check(await js(`document.querySelectorAll('#device-table tbody tr').length`) === r.devices, r.devices + ' device rows');
  check(await js(`document.documentElement.lang`) === lang, 'lang=' + lang);
  const started = await js(`document.querySelector('.meta time').textContent`);
  check(/^\d{4}-\d\d-\d\d \d\d:\d\d JST \(\+09:00\)$/.test(started), 'start time in the maker\'s zone: ' + started);
  check(await js(`document.querySelectorAll('#actions li.action').length`) > 0, 'top actions listed');
  const first = await js(`document.querySelector('#actions li.action').textContent`);
  check(/Hikvision/.test(first) && /(exploited|悪用)/.test(first), 'first action: Hikvision firmware, exploited: ' + first.slice(0, 90));

  // Device sections are laid out only near the screen (content-visibility:auto); lay them all out here so
  // the checks below see every one of them (the 1,000-device reports are checked as a reader sees them).
  if (r.devices < 100) await js(`document.querySelectorAll('section.device').forEach((e) => { e.style.contentVisibility = 'visible'; })`);
  for (const [width, height, mobile] of [[1366, 900, false], [390, 844, true]]) {
    await s('Emulation.setDeviceMetricsOverride', { width, height, deviceScaleFactor: 1, mobile });
    await js('window.scrollTo(0, 0)');
    const shot = await s('Page.captureScreenshot', { format: 'png' });
    fs.writeFileSync(path.join(art, `${r.name}-${width}.png`), Buffer.from(shot.data, 'base64'));
    const bad = await js(OVERFLOW(r.devices >= 100));
    check(bad.length === 0, `${width} px: nothing cut off or past the edge` + (bad.length ? ': ' + bad.slice(0, 8).join('; ') : ''));
    if (width === 390 && r.devices < 100) {
      const h = await js('Math.ceil(document.documentElement.scrollHeight)');
      const full = await s('Page.captureScreenshot', { format: 'png', captureBeyondViewport: true,
        clip: { x: 0, y: 0, width, height: Math.min(h, 16000), scale: 1 } });
      fs.writeFileSync(path.join(art, `${r.name}-390-full.png`), Buffer.from(full.data, 'base64'));
    }
  }
  await s('Emulation.clearDeviceMetricsOverride');
  const pdf = Buffer.from((await s('Page.printToPDF', { printBackground: true, preferCSSPageSize: true })).data, 'base64');
  fs.writeFileSync(path.join(art, r.name + '.pdf'), pdf);
  const pages = pdfPages(pdf);
  fs.appendFileSync(path.join(art, 'pages.txt'), `${r.name} ${r.devices} devices: ${pages} A4 pages (limit ${r.maxPages})\n`);
  check(pages >= 1 && pages <= r.maxPages, `print: ${pages} A4 pages (at most ${r.maxPages})`);
  console.log('  done at ' + Math.round((Date.now() - t0) / 1000) + ' s');
  await send('Target.closeTarget', { targetId });
}

(async () => {
  try {
    for (const r of reports) await checkReport(r);
  } catch (e) {
    console.error('FAIL: ' + (e && e.stack || e));
    cdp.failures += 1;
  }
  cdp.finish(art);
})();
JS
if command -v pdfinfo >/dev/null 2>&1; then  # a second opinion on the page counts when poppler is there
  for f in "$ART"/*.pdf; do echo "pdfinfo $(basename "$f"): $(pdfinfo "$f" | awk '/^Pages:/ {print $2}') pages"; done
fi
