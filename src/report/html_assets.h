// Constant stylesheet and script of the HTML report (html.cc). Kept apart so the renderer reads as markup.
// The script never receives data: it reads the DOM (rows, data-sort / data-search attributes, the
// translated status template in #filter-status[data-template], <time datetime data-offset>).
#pragma once

namespace anshin::report::assets {

inline constexpr const char* kStyle = R"CSS(
:root{--ink:#1c2430;--muted:#5b6675;--line:#d9dee5;--bg:#f5f7fa;--card:#fff;--accent:#1f3a5f;
--crit:#7f1d1d;--high:#c2410c;--med:#f0b429;--low:#bcd7f5;--info:#eef1f5}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
main,footer{overflow-wrap:break-word}
body{margin:0;background:var(--bg);color:var(--ink);font:14px/1.55 system-ui,-apple-system,"Segoe UI","Hiragino Sans","Hiragino Kaku Gothic ProN","Noto Sans CJK JP","Noto Sans JP",Meiryo,Roboto,"Helvetica Neue",Arial,sans-serif}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Noto Sans Mono CJK JP",monospace;font-size:.92em;overflow-wrap:anywhere}
a{color:#1d4ed8}
.top{background:var(--accent);color:#fff;padding:22px 32px 18px}
.top .tool{font-size:12px;letter-spacing:.12em;text-transform:uppercase;opacity:.8}
.top h1{margin:2px 0 10px;font-size:24px;font-weight:650}
.meta{display:flex;flex-wrap:wrap;gap:6px 28px;margin:0;font-size:13px}
.meta div{display:flex;gap:8px}.meta dt{opacity:.75}.meta dd{margin:0;font-weight:600}
main{max-width:1240px;margin:0 auto;padding:8px 32px 32px}
h2{font-size:19px;margin:30px 0 12px;padding-bottom:6px;border-bottom:2px solid var(--accent)}
h3{font-size:16px;margin:18px 0 8px}h4{font-size:14px;margin:16px 0 6px;color:var(--accent)}
.banner{border:1px solid #b45309;background:#fff7ed;color:#7c2d12;padding:10px 14px;border-radius:6px;margin:18px 0 0;font-weight:600}
.cards{display:grid;grid-template-columns:repeat(4,minmax(0,1fr));gap:14px}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:14px 16px;border-top:4px solid var(--accent)}
.card.alert{border-top-color:var(--high)}.card.policy{border-top-color:var(--crit)}
.card .num{font-size:32px;font-weight:700;line-height:1.1}
.card .label{font-weight:600;margin-top:4px}.card .note{color:var(--muted);font-size:12.5px}
.lead{font-size:15px;margin:14px 0 4px}
.note{color:var(--muted)}
table{border-collapse:collapse;width:100%;background:var(--card)}
th,td{text-align:left;vertical-align:top;padding:6px 9px;border-bottom:1px solid var(--line)}
th{background:#e9edf2;font-weight:650;white-space:nowrap}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.policy-table{max-width:820px}
.share{display:inline-block;width:120px;height:10px;background:#e5e9ef;border-radius:5px;vertical-align:middle;margin-right:8px;overflow:hidden}
.share svg{display:block}
.charts{display:grid;grid-template-columns:1fr 1fr;gap:18px;margin-top:8px}
figure{margin:0;background:var(--card);border:1px solid var(--line);border-radius:8px;padding:12px 14px}
figcaption{font-weight:650;margin-bottom:6px}
svg.chart{width:100%;height:auto;font-size:12px}
svg.chart .lbl{fill:var(--ink)}svg.chart .val{fill:var(--ink);font-weight:600}
.bar{fill:var(--accent)}
.bar.sev-critical{fill:var(--crit)}.bar.sev-high{fill:var(--high)}.bar.sev-medium{fill:var(--med)}
.bar.sev-low{fill:var(--low);stroke:#5b8fc9}.bar.sev-info{fill:var(--info);stroke:#8a96a6}
.sev{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:650;white-space:nowrap;border:1px solid transparent}
.sev-critical{background:var(--crit);color:#fff}.sev-high{background:var(--high);color:#fff}
.sev-medium{background:var(--med);color:#1c1400}.sev-low{background:var(--low);color:#0b2540;border-color:#5b8fc9}
.sev-info{background:var(--info);color:#333;border-color:#8a96a6}.sev-none{color:var(--muted);padding-left:0}
.controls{display:flex;flex-wrap:wrap;align-items:center;gap:10px;margin:4px 0 10px}
.controls input{font:inherit;padding:6px 10px;border:1px solid #9aa5b4;border-radius:6px;min-width:340px}
.controls .hint,#filter-status{color:var(--muted);font-size:13px}
.devices{font-size:13px}
.devices thead th{position:sticky;top:0;z-index:1}
.devices tbody tr:nth-child(even){background:#fafbfc}
.devices tbody tr:hover{background:#eef4ff}
th button{font:inherit;font-weight:650;color:inherit;background:none;border:0;padding:0;cursor:pointer}
th button::after{content:" \2195";color:#9aa5b4}
th[aria-sort=ascending] button::after{content:" \25B2";color:var(--ink)}
th[aria-sort=descending] button::after{content:" \25BC";color:var(--ink)}
.sevlist .sev{margin:0 3px 2px 0}
.svc{white-space:nowrap}
.devices td:nth-child(2){min-width:9.5em}.devices td:nth-child(1){white-space:nowrap}
.device{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:4px 20px 16px;margin:18px 0;
content-visibility:auto;contain-intrinsic-size:auto 700px}
.device h3{display:flex;flex-wrap:wrap;align-items:center;gap:10px;font-size:17px}
.identity{display:grid;grid-template-columns:max-content 1fr max-content 1fr;gap:4px 16px;margin:0}
.identity dt{color:var(--muted)}.identity dd{margin:0;overflow-wrap:anywhere}
.na{color:var(--muted);font-style:italic}
.finding{border:1px solid var(--line);border-left:6px solid var(--accent);border-radius:6px;padding:8px 14px;margin:10px 0}
.finding.sev-critical,.finding.sev-high,.finding.sev-medium,.finding.sev-low,.finding.sev-info{background:none;color:inherit}
.finding.sev-critical{border-left-color:var(--crit)}.finding.sev-high{border-left-color:var(--high)}
.finding.sev-medium{border-left-color:var(--med)}.finding.sev-low{border-left-color:#5b8fc9}.finding.sev-info{border-left-color:#8a96a6}
.finding header{display:flex;flex-wrap:wrap;gap:8px;align-items:center}
.finding .title{font-weight:650}.finding code{color:var(--muted)}
.finding p{margin:6px 0}.finding dl{margin:6px 0}.finding dt{font-weight:650}.finding dd{margin:0 0 4px}
.refs{margin:0;padding-left:18px}.refs li{overflow-wrap:anywhere}
.back{margin:12px 0 0;font-size:13px}
.proof{margin:14px 0 0}.proof>summary{cursor:pointer;font-weight:650;color:var(--accent)}
.actions{margin:0;padding-left:1.6em}
.action{background:var(--card);border:1px solid var(--line);border-left:6px solid var(--accent);border-radius:6px;padding:8px 14px;margin:8px 0}
.action.sev-critical,.action.sev-high,.action.sev-medium,.action.sev-low,.action.sev-info{background:var(--card);color:inherit}
.action.sev-critical{border-left-color:var(--crit)}.action.sev-high{border-left-color:var(--high)}
.action.sev-medium{border-left-color:var(--med)}.action.sev-low{border-left-color:#5b8fc9}
.action .what{display:flex;flex-wrap:wrap;gap:4px 8px;align-items:center}
.action .fixes,.action .hosts{color:var(--muted);font-size:13px;overflow-wrap:anywhere}
.kev{display:inline-block;padding:0 7px;border-radius:10px;font-size:12px;font-weight:650;color:var(--crit);border:1px solid var(--crit);white-space:nowrap}
.print-only{display:none}
footer{max-width:1240px;margin:0 auto;padding:14px 32px 40px;color:var(--muted);font-size:12.5px;border-top:1px solid var(--line)}
footer p{margin:3px 0}
@media (max-width:900px){.cards{grid-template-columns:1fr 1fr}.charts{grid-template-columns:1fr}.identity{grid-template-columns:max-content 1fr}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;max-width:100%}
.devices thead th{position:static}}
@media (max-width:600px){
.top{padding:16px 14px 12px}.top h1{font-size:20px}
main{padding:4px 12px 24px}footer{padding:12px 12px 32px}
.cards{gap:8px}.card{padding:10px 12px}.card .num{font-size:26px}
.controls input{min-width:0;width:100%}
.device{padding:4px 12px 12px}
.identity{grid-template-columns:1fr}.identity dd{margin-bottom:4px}
h2{font-size:17px}}
@page{size:A4;margin:14mm 12mm 16mm}
@media print{
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
body{background:#fff;font-size:9.5pt}
.top{background:none;color:#000;padding:0 0 8px;border-bottom:2px solid #000}
main,footer{max-width:none;padding-left:0;padding-right:0}
.controls,.back,#no-match,#details,#filter-status{display:none!important}
.print-only{display:block}
.scroll{overflow:visible}
th button{cursor:default;display:contents}th button::after{content:none!important}
.devices thead th{position:static}
#device-table tbody tr{display:table-row!important}
.card,figure,.finding,tr,.identity{break-inside:avoid}
h2,h3,h4{break-after:avoid}
.charts{grid-template-columns:1fr 1fr}
a{color:inherit;text-decoration:none}
.devices tbody tr:nth-child(even){background:none}
.devices{font-size:7pt;table-layout:fixed}.devices th,.devices td{padding:0 4px;line-height:1.2}.devices th{white-space:normal}
.devices td{white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.devices th:nth-child(6),.devices td:nth-child(6){display:none}
.devices th:nth-child(1){width:13%}.devices th:nth-child(2){width:12%}.devices th:nth-child(3){width:16%}
.devices th:nth-child(4){width:15%}.devices th:nth-child(5){width:13%}.devices th:nth-child(7){width:9%}
.devices th:nth-child(8){width:11%}.devices th:nth-child(9){width:11%}
.devices td:nth-child(2){min-width:0}
.sevlist .sev{margin:0 1px 0 0}
.action{padding:4px 10px;margin:4px 0}.action .fixes,.action .hosts{font-size:8pt}
.cards{grid-template-columns:repeat(4,minmax(0,1fr))}.card .num{font-size:20pt}
.charts{break-inside:avoid}
.devices .sev{font-size:6.5pt;padding:0 4px;line-height:1.15;border-width:0}
}
)CSS";

inline constexpr const char* kScript = R"JS(
(function () {
  'use strict';
  // Times: rendered in the report maker's zone; shown again in the reader's zone when that differs.
  function two(n) { return (n < 10 ? '0' : '') + n; }
  Array.prototype.forEach.call(document.querySelectorAll('time[datetime][data-offset]'), function (t) {
    var d = new Date(t.getAttribute('datetime'));
    if (isNaN(d.getTime())) { return; }
    var offset = -d.getTimezoneOffset();
    if (String(offset) === t.getAttribute('data-offset')) { return; }
    var a = Math.abs(offset);
    t.textContent = d.getFullYear() + '-' + two(d.getMonth() + 1) + '-' + two(d.getDate()) + ' ' + two(d.getHours()) +
        ':' + two(d.getMinutes()) + ' (' + (offset < 0 ? '-' : '+') + two(Math.floor(a / 60)) + ':' + two(a % 60) + ')';
    t.setAttribute('data-offset', String(offset));
  });
  var table = document.getElementById('device-table');
  if (!table) { return; }
  var tbody = table.tBodies[0];
  var rows = Array.prototype.slice.call(tbody.rows);
  rows.forEach(function (r, i) { r.setAttribute('data-index', String(i)); });
  var input = document.getElementById('filter');
  var status = document.getElementById('filter-status');
  var noMatch = document.getElementById('no-match');
  var template = status ? (status.getAttribute('data-template') || '') : '';
  function update() {
    var terms = input.value.toLowerCase().split(/\s+/).filter(function (w) { return w.length > 0; });
    var shown = 0;
    rows.forEach(function (r) {
      var text = (r.textContent + ' ' + (r.getAttribute('data-search') || '')).toLowerCase();
      var ok = terms.every(function (w) { return text.indexOf(w) !== -1; });
      r.hidden = !ok;
      if (ok) { shown += 1; }
    });
    if (status) {
      status.textContent = template.split('{shown}').join(String(shown)).split('{total}').join(String(rows.length));
    }
    if (noMatch) { noMatch.hidden = shown !== 0; }
  }
  if (input) { input.addEventListener('input', update); update(); }
  var heads = table.tHead.rows[0].cells;
  Array.prototype.forEach.call(heads, function (th, col) {
    var button = th.querySelector('button');
    if (!button) { return; }
    button.addEventListener('click', function () {
      var numeric = th.getAttribute('data-type') === 'number';
      var current = th.getAttribute('aria-sort') || 'none';
      var dir = current === 'none' ? (numeric ? 'descending' : 'ascending')
                                   : (current === 'ascending' ? 'descending' : 'ascending');
      Array.prototype.forEach.call(heads, function (h) { if (h.querySelector('button')) { h.setAttribute('aria-sort', 'none'); } });
      th.setAttribute('aria-sort', dir);
      var key = function (r) {
        var c = r.cells[col];
        var v = c.hasAttribute('data-sort') ? c.getAttribute('data-sort') : c.textContent.trim();
        return numeric ? parseFloat(v) : v.toLowerCase();
      };
      var sorted = rows.slice().sort(function (a, b) {
        var x = key(a), y = key(b);
        var c = numeric ? x - y : (x < y ? -1 : (x > y ? 1 : 0));
        if (dir === 'descending') { c = -c; }
        return c !== 0 ? c : Number(a.getAttribute('data-index')) - Number(b.getAttribute('data-index'));
      });
      sorted.forEach(function (r) { tbody.appendChild(r); });
    });
  });
})();
)JS";

}  // namespace anshin::report::assets
