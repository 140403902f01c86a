'use strict';
// Headless Chromium driven over the DevTools protocol on a pipe (no port, no network): we write to fd 3,
// Chromium writes to fd 4, messages end with NUL. Shared by the browser tests in tests/integration/*.sh.
//
//   const cdp = require(process.env.DEVTOOLS_PIPE).launch(process.env.CHROMIUM, 120000);
//   const { targetId } = await cdp.send('Target.createTarget', { url: 'about:blank' });
//   cdp.check(ok, 'what');   ...   cdp.finish(artifactsDir);   // exits 1 when a check failed
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

function launch(chromium, timeoutMs) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'anshin-chromium-'));
  const proc = spawn(chromium, ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-default-apps',
    '--disable-extensions', '--no-default-browser-check', '--mute-audio', '--hide-scrollbars',
    '--user-data-dir=' + profile, '--remote-debugging-pipe', 'about:blank'],
  { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stdio[2].on('data', (d) => { stderr += d.toString(); });

  const cdp = { failures: 0, listeners: new Set() };
  cdp.check = (ok, what) => {
    console.log((ok ? 'ok   ' : 'FAIL ') + what);
    if (!ok) cdp.failures += 1;
  };
  cdp.cleanup = () => {
    try { proc.kill('SIGKILL'); } catch (e) { /* already gone */ }
    try { fs.rmSync(profile, { recursive: true, force: true }); } catch (e) { /* best effort */ }
  };
  const watchdog = setTimeout(() => {
    console.error('FAIL: timed out driving chromium\n' + stderr.slice(-2000));
    cdp.cleanup();
    process.exit(1);
  }, timeoutMs);
  cdp.finish = (art) => {
    clearTimeout(watchdog);
    cdp.cleanup();
    console.log(cdp.failures ? `${cdp.failures} check(s) failed` : 'all checks passed; artifacts in ' + art);
    process.exit(cdp.failures ? 1 : 0);
  };

  let nextId = 0;
  const pending = new Map();
  let buffer = Buffer.alloc(0);
  proc.stdio[4].on('data', (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    let end;
    while ((end = buffer.indexOf(0)) >= 0) {
      const msg = JSON.parse(buffer.subarray(0, end).toString('utf8'));
      buffer = buffer.subarray(end + 1);
      if (msg.id !== undefined && pending.has(msg.id)) {
        const { resolve, reject, method } = pending.get(msg.id);
        pending.delete(msg.id);
        if (msg.error) reject(new Error(method + ': ' + JSON.stringify(msg.error))); else resolve(msg.result);
      } else {
        for (const l of cdp.listeners) l(msg);
      }
    }
  });
  proc.on('exit', (code) => {
    for (const { reject } of pending.values()) reject(new Error('chromium exited with ' + code + '\n' + stderr.slice(-2000)));
  });
  cdp.send = (method, params, sessionId) => {
    const msg = { id: ++nextId, method, params: params || {} };
    if (sessionId) msg.sessionId = sessionId;
    return new Promise((resolve, reject) => {
      pending.set(msg.id, { resolve, reject, method });
      proc.stdio[3].write(JSON.stringify(msg) + '\0');
    });
  };
  cdp.waitFor = (method, sessionId) => new Promise((resolve) => {
    const l = (msg) => {
      if (msg.method === method && msg.sessionId === sessionId) { cdp.listeners.delete(l); resolve(msg.params); }
    };
    cdp.listeners.add(l);
  });
  return cdp;
}

module.exports = { launch };
