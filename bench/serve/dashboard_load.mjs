// Dashboard load times in Chromium (playwright-core): from navigation to the page's data-ready mark, i.e. the
// data fetched and drawn. node dashboard_load.mjs URL -> one JSON line of milliseconds.
import { createRequire } from 'node:module';

const require = createRequire(process.env.ANSHIN_TOOLS_DIR + '/');
const { chromium } = require('playwright-core');
const url = process.argv[2];
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
const out = {};
const time = async (name, hash, route) => {
  const t0 = Date.now();
  await page.goto(`${url}/?lang=ja${hash}`);
  await page.waitForSelector(`body[data-ready="${route}"]`, { timeout: 60000 });
  out[name] = Date.now() - t0;
  out[name + '_first_contentful_paint'] = await page.evaluate(
    () => Math.round(performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1));
};
for (const round of ['first', 'again']) {
  await time(`overview_${round}`, '#/', '/');
  await time(`devices_${round}`, '#/devices', '/devices');
  await time(`devices_filtered_${round}`, '#/devices?maker=hik&severity=high&sort=firmware', '/devices');
  await time(`device_${round}`, '#/device/4242', '/device/4242');
  await time(`diff_${round}`, '#/diff', '/diff');
}
await browser.close();
console.log(JSON.stringify(out));
