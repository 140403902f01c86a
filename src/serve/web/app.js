// anshin dashboard. Every element is built with createElement/textContent: no device string is ever
// parsed as HTML. Data comes only from the same-origin JSON API (/api/v1/...).
'use strict';
(function () {
  const lang = document.documentElement.lang === 'ja' ? 'ja' : 'en';
  let msgs = {};
  let session = null;
  const view = document.getElementById('view');
  const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'];
  const DIFF_ROWS = 200;  // per section; the rest is counted (the API has them all)
  const CATEGORIES = ['camera', 'nvr', 'dvr', 'encoder', 'intercom', 'vms', 'unknown', 'other'];

  function t(key, args) {
    let s = Object.prototype.hasOwnProperty.call(msgs, key) ? msgs[key] : key;
    if (args) for (const k of Object.keys(args)) s = s.split('{' + k + '}').join(String(args[k]));
    return s;
  }

  // Control characters in device strings are shown as visible \xNN text (as in the HTML report).
  function visible(s) {
    return s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g,
                     c => '\\x' + c.charCodeAt(0).toString(16).padStart(2, '0'));
  }

  // el('a', {href: '#/x', class: 'c'}, 'text', child, ...): attributes by setAttribute, children as text nodes.
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat(Infinity)) {
      if (c === null || c === undefined) continue;
      e.append(c instanceof Node ? c : document.createTextNode(visible(String(c))));
    }
    return e;
  }

  function show(...nodes) {
    view.replaceChildren(...nodes);
    window.scrollTo(0, 0);
  }

  async function api(path, options) {
    const init = Object.assign({credentials: 'same-origin', headers: {}}, options || {});
    if (init.body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.headers['X-CSRF-Token'] = session && session.csrf ? session.csrf : '';
      init.body = JSON.stringify(init.body);
    }
    // Finding texts and error messages in the page's language (the inventory keeps texts in every language).
    const res = await fetch(path + (path.includes('?') ? '&' : '?') + 'lang=' + lang, init);
    let data = null;
    try { data = await res.json(); } catch (e) { data = null; }
    if (res.status === 401 && path !== '/api/v1/login') {
      session = null;
      location.hash = '#/login';
      throw new Error(t('login.required'));
    }
    if (!res.ok) throw new Error((data && data.error && data.error.message) || ('HTTP ' + res.status));
    return data;
  }

  function hashParams() {
    const h = location.hash.slice(1);
    const q = h.indexOf('?');
    return {path: q < 0 ? h : h.slice(0, q), params: new URLSearchParams(q < 0 ? '' : h.slice(q + 1))};
  }

  function link(path, params, ...children) {
    const q = params ? new URLSearchParams(params).toString() : '';
    return el('a', {href: '#' + path + (q ? '?' + q : '')}, ...children);
  }

  function text(v) { return v === null || v === undefined || v === '' ? '—' : String(v); }

  // Times: the API's RFC 3339 UTC texts, shown in the browser's time zone with its name
  // ("2026/12/07 00:30:00 JST", "2026-12-06 21:00:00 GMT+5:30"); the UTC text stays in datetime and title.
  const TIME_PARTS = new Intl.DateTimeFormat(lang === 'ja' ? 'ja-JP' : 'en-US', {
    year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    hourCycle: 'h23', timeZoneName: 'short'});
  function localTime(v) {
    const d = new Date(v);
    if (v === null || v === undefined || v === '' || isNaN(d.getTime())) return text(v);
    const p = {};
    for (const part of TIME_PARTS.formatToParts(d)) p[part.type] = part.value;
    const sep = lang === 'ja' ? '/' : '-';
    return p.year + sep + p.month + sep + p.day + ' ' + p.hour + ':' + p.minute + ':' + p.second + ' ' + p.timeZoneName;
  }
  function when(v) {
    if (v === null || v === undefined || v === '') return text(v);
    return el('time', {datetime: v, title: v + ' (UTC)'}, localTime(v));
  }

  function sevBadge(sev) {
    if (!sev) return el('span', {class: 'sev sev-none'}, t('severity.none'));
    return el('span', {class: 'sev sev-' + sev}, t('severity.' + sev));
  }

  function maker(d) {
    if (d.manufacturer) {
      return d.brand && d.brand !== d.manufacturer ? t('device.relabel', {brand: d.brand, maker: d.manufacturer})
                                                   : d.manufacturer;
    }
    if (d.possible_manufacturer) return t('device.possibly', {maker: d.possible_manufacturer});
    return t('device.unknown_maker');
  }

  function safeUrl(u) { return /^https?:\/\/[^\s"<>`\\]+$/i.test(u) ? u : null; }

  function table(headers, rows, attrs) {
    return el('table', attrs || {}, el('thead', {}, el('tr', {}, headers.map(h => h instanceof Node ? el('th', {}, h) : el('th', {}, h)))),
              el('tbody', {}, rows));
  }

  function errorBox(e) { return el('div', {class: 'banner', role: 'alert'}, t('error.prefix'), ' ', e.message); }

  function bars(entries, total, cls) {
    return el('div', {class: 'bars'}, entries.map(([label, n, c]) => {
      const fill = el('span', {class: 'fill ' + (c || cls || '')});
      fill.style.width = (total > 0 ? Math.round(100 * n / total) : 0) + '%';
      return el('div', {class: 'bar-row'}, el('span', {class: 'bar-label'}, label),
                el('span', {class: 'bar'}, fill), el('span', {class: 'bar-n'}, String(n)));
    }));
  }

  async function scanPicker(current, onchange) {
    const data = await api('/api/v1/scans');
    const select = el('select', {id: 'scan-picker', 'aria-label': t('scan.pick'), onchange: e => onchange(e.target.value)},
      el('option', {value: ''}, t('scan.latest')),
      data.scans.slice().reverse().map(s => el('option', {value: String(s.number), selected: String(s.number) === current},
        '#' + s.number + ' ' + localTime(s.started) + (s.site ? ' — ' + s.site : '') + ' (' + t('scan.devices', {count: s.devices}) + ')')));
    return el('label', {class: 'picker'}, t('scan.pick'), ' ', select);
  }

  // ---- overview
  async function overview(params) {
    const scan = params.get('scan') || '';
    const q = scan ? '?scan=' + encodeURIComponent(scan) : '';
    const o = await api('/api/v1/overview' + q);
    const sev = o.by_severity;
    const card = (n, label, cls, href) => el('a', {class: 'card ' + (cls || ''), href: href},
      el('div', {class: 'num'}, String(n)), el('div', {class: 'label'}, label));
    const scanParam = scan ? {scan} : {};
    const cards = el('section', {class: 'cards', id: 'cards'},
      card(o.devices, t('overview.devices'), '', '#/devices' + q),
      card(o.devices_named_by_policy, t('overview.policy_named'), 'policy',
           '#/devices?' + new URLSearchParams(Object.assign({policy: 'any'}, scanParam))),
      card(sev.critical, t('overview.critical'), 'crit',
           '#/devices?' + new URLSearchParams(Object.assign({severity: 'critical'}, scanParam))),
      card(sev.high, t('overview.high'), 'alert',
           '#/devices?' + new URLSearchParams(Object.assign({severity: 'high'}, scanParam))));
    const sevRows = SEVERITIES.map(s => [t('severity.' + s), sev[s], 'sev-' + s]);
    sevRows.push([t('severity.none'), sev.none, 'sev-none']);
    const policyRows = o.policies.map(p => el('tr', {},
      el('td', {}, link('/devices', Object.assign({policy: p.id}, scanParam), p.title)),
      el('td', {}, sevBadge(p.severity)), el('td', {class: 'n'}, String(p.devices))));
    const makers = o.top_manufacturers.map(m => [m.manufacturer, m.devices]);
    show(el('h2', {}, t('overview.title')),
      el('p', {class: 'note'}, t('overview.scan', {id: o.scan.id, started: localTime(o.scan.started)}),
        o.scan.site ? ' — ' + t('overview.site', {site: o.scan.site}) : ''),
      await scanPicker(scan, v => { location.hash = '#/' + (v ? '?scan=' + encodeURIComponent(v) : ''); }),
      cards,
      el('section', {class: 'grid2'},
        el('figure', {id: 'chart-severity'}, el('figcaption', {}, t('overview.by_severity')), bars(sevRows, o.devices)),
        el('figure', {id: 'chart-makers'}, el('figcaption', {}, t('overview.by_manufacturer')), bars(makers, o.devices, 'accent'))),
      el('h3', {}, t('overview.policy_exposure')),
      o.policies.length ? table([t('policy.rule'), t('column.severity'), t('column.devices')], policyRows, {id: 'policy-table'})
                        : el('p', {class: 'note'}, t('overview.no_policy')));
  }

  // ---- device list
  async function devices(params) {
    const p = new URLSearchParams(params);
    if (!p.get('limit')) p.set('limit', '50');
    const [data, pol] = await Promise.all([api('/api/v1/devices?' + p), api('/api/v1/policies' + (p.get('scan') ? '?scan=' + encodeURIComponent(p.get('scan')) : ''))]);
    const go = changes => {
      const next = new URLSearchParams(p);
      for (const [k, v] of Object.entries(changes)) { if (v) next.set(k, v); else next.delete(k); }
      if (!('offset' in changes)) next.delete('offset');
      location.hash = '#/devices?' + next;
    };
    const input = (name, label) => el('label', {}, label, ' ',
      el('input', {type: 'search', name, id: 'filter-' + name, value: p.get(name) || '', placeholder: label}));
    const choice = (name, label, options) => el('label', {}, label, ' ',
      el('select', {name, id: 'filter-' + name}, el('option', {value: ''}, t('filter.any')),
        options.map(([v, l]) => el('option', {value: v, selected: p.get(name) === v}, l))));
    const form = el('form', {class: 'filters', id: 'filters', onsubmit: e => {
      e.preventDefault();
      const f = new FormData(e.target);
      go({q: f.get('q'), maker: f.get('maker'), category: f.get('category'), severity: f.get('severity'), policy: f.get('policy')});
    }},
      input('q', t('filter.text')), input('maker', t('filter.maker')),
      choice('category', t('column.category'), CATEGORIES.map(c => [c, t('category.' + c)])),
      choice('severity', t('filter.severity'), SEVERITIES.map(s => [s, t('severity.' + s)])),
      choice('policy', t('filter.policy'), [['any', t('filter.any_policy')]].concat(pol.policies.map(x => [x.id, x.title]))),
      el('button', {type: 'submit', id: 'filter-apply'}, t('filter.apply')),
      el('a', {href: '#/devices', class: 'reset'}, t('filter.reset')));
    const sort = p.get('sort') || 'address';
    const order = p.get('order') || 'asc';
    const th = (key, label) => el('a', {href: '#', class: 'sort' + (sort === key ? ' on ' + order : ''), 'data-sort': key,
      onclick: e => { e.preventDefault(); go({sort: key, order: sort === key && order === 'asc' ? 'desc' : 'asc'}); }}, label);
    const rows = data.devices.map(d => el('tr', {},
      el('td', {class: 'mono'}, link('/device/' + d.id, p.get('scan') ? {scan: p.get('scan')} : null, d.address)),
      el('td', {}, t('category.' + d.category)), el('td', {}, maker(d)), el('td', {}, text(d.model)),
      el('td', {class: 'mono'}, text(d.firmware)), el('td', {}, sevBadge(d.severity)),
      el('td', {class: 'n'}, String(d.findings))));
    const offset = data.offset, limit = data.limit;
    const pager = el('div', {class: 'pager'},
      el('span', {id: 'device-count'}, t('devices.count', {total: data.total, from: data.total ? offset + 1 : 0, to: offset + data.devices.length})),
      offset > 0 ? el('button', {id: 'page-prev', onclick: () => go({offset: String(Math.max(0, offset - limit))})}, t('page.prev')) : null,
      offset + limit < data.total ? el('button', {id: 'page-next', onclick: () => go({offset: String(offset + limit)})}, t('page.next')) : null);
    show(el('h2', {}, t('devices.title')), form, pager,
      table([th('address', t('column.address')), th('category', t('column.category')), th('manufacturer', t('column.manufacturer')),
             th('model', t('column.model')), th('firmware', t('column.firmware')), th('severity', t('column.severity')),
             t('column.findings')], rows, {id: 'device-table', class: 'devices'}));
  }

  function evidenceTable(list, id) {
    if (!list.length) return el('p', {class: 'note'}, t('device.none'));
    return table([t('evidence.source'), t('evidence.port'), t('evidence.value'), t('evidence.implies')],
      list.map(e => el('tr', {}, el('td', {class: 'mono'}, e.source), el('td', {class: 'n'}, e.port ? String(e.port) : '—'),
        el('td', {class: 'mono'}, e.value),
        el('td', {}, Object.entries(e.implies).map(([k, v]) => k + ': ' + v).join(', ') || '—'))), {id});
  }

  function findingsBlock(findings) {
    if (!findings.length) return el('p', {class: 'note', id: 'findings'}, t('device.no_findings'));
    return el('div', {id: 'findings'}, findings.map(f => el('article', {class: 'finding sev-border-' + f.severity},
      el('h4', {}, sevBadge(f.severity), ' ', f.title, ' ', el('code', {}, f.id)),
      el('p', {}, f.detail),
      f.remediation ? el('p', {class: 'remediation'}, el('strong', {}, t('finding.remediation')), ' ', f.remediation) : null,
      f.references.length ? el('ul', {class: 'refs'}, f.references.map(r => el('li', {},
        safeUrl(r) ? el('a', {href: safeUrl(r), rel: 'noopener noreferrer', target: '_blank'}, r) : r))) : null)));
  }

  function timelineBlock(events) {
    const label = e => {
      switch (e.event) {
        case 'first_seen': return t('timeline.first_seen', {address: e.address});
        case 'address_changed': return t('timeline.address_changed', {from: e.from, to: e.to});
        case 'firmware_changed': return t('timeline.firmware_changed', {from: text(e.from), to: text(e.to)});
        case 'finding_appeared': return t('timeline.finding_appeared', {finding: e.finding});
        case 'finding_gone': return t('timeline.finding_gone', {finding: e.finding});
        default: return e.event;
      }
    };
    return el('ol', {class: 'timeline', id: 'timeline'}, events.map(e => el('li', {class: 'ev-' + e.event},
      el('span', {class: 'when'}, '#' + e.scan + ' ', when(e.started)), ' ', label(e),
      e.severity ? [' ', sevBadge(e.severity)] : null)));
  }

  // ---- one device
  async function device(id, params) {
    const scan = params.get('scan');
    const data = await api('/api/v1/devices/' + encodeURIComponent(id) + (scan ? '?scan=' + encodeURIComponent(scan) : ''));
    const d = data.device;
    const facts = [[t('column.address'), d.address], [t('column.mac'), text(d.mac)], [t('column.category'), t('category.' + d.category)],
      [t('column.manufacturer'), maker(d)], [t('column.model'), text(d.model)], [t('column.firmware'), text(d.firmware)],
      [t('column.serial'), text(d.serial)], [t('column.confidence'), Math.round(d.confidence * 100) + '%']];
    const history = data.history.map(h => el('tr', {},
      el('td', {}, link('/device/' + d.id, {scan: String(h.scan)}, '#' + h.scan)), el('td', {}, when(h.started)),
      el('td', {class: 'mono'}, h.address), el('td', {class: 'mono'}, text(h.firmware)), el('td', {class: 'n'}, String(h.findings.length))));
    show(el('p', {}, link('/devices', scan ? {scan} : null, '← ' + t('devices.title'))),
      el('h2', {id: 'device-title'}, d.address, ' — ', maker(d), d.model ? ' ' + d.model : ''),
      el('p', {class: 'note'}, t('device.as_of', {id: data.scan.id})),
      el('dl', {class: 'facts'}, facts.map(([k, v]) => el('div', {}, el('dt', {}, k), el('dd', {}, v)))),
      el('h3', {}, t('device.findings')), findingsBlock(d.findings),
      el('h3', {}, t('device.evidence')), evidenceTable(d.evidence, 'evidence'),
      d.clues.length ? [el('h3', {}, t('device.clues')), evidenceTable(d.clues, 'clues')] : null,
      el('h3', {}, t('device.services')),
      table([t('service.port'), t('service.protocol'), t('service.tls'), t('service.product')],
        d.services.map(s => el('tr', {}, el('td', {class: 'n'}, s.port + '/' + s.transport), el('td', {}, s.protocol),
          el('td', {}, s.tls ? t('answer.yes') : t('answer.no')), el('td', {}, text(s.product)))), {id: 'services'}),
      el('h3', {}, t('device.history')), timelineBlock(data.timeline),
      table([t('history.scan'), t('history.started'), t('column.address'), t('column.firmware'), t('column.findings')], history, {id: 'history'}));
  }

  // ---- diff
  async function diff(params) {
    const scans = (await api('/api/v1/scans')).scans.filter(s => s.finished);
    const newestSite = scans.length ? scans[scans.length - 1].site : null;
    const sameSite = scans.filter(s => s.site === newestSite);
    const fallback = n => (sameSite.length >= 2 ? String(sameSite[sameSite.length - n].number) : '');
    const older = params.get('old') || fallback(2), newer = params.get('new') || fallback(1);
    const pick = (name, current) => el('select', {name, id: 'diff-' + name},
      scans.slice().reverse().map(s => el('option', {value: String(s.number), selected: String(s.number) === current},
        '#' + s.number + ' ' + localTime(s.started) + (s.site ? ' — ' + s.site : ''))));
    const form = el('form', {class: 'filters', onsubmit: e => {
      e.preventDefault();
      const f = new FormData(e.target);
      location.hash = '#/diff?' + new URLSearchParams({old: f.get('old'), new: f.get('new')});
    }}, el('label', {}, t('diff.old'), ' ', pick('old', older)), el('label', {}, t('diff.new'), ' ', pick('new', newer)),
      el('button', {type: 'submit', id: 'diff-apply'}, t('diff.compare')));
    let d;
    try {
      d = await api('/api/v1/diff' + (older && newer ? '?' + new URLSearchParams({old: older, new: newer}) : ''));
    } catch (e) {
      show(el('h2', {}, t('diff.title')), form, errorBox(e));
      return;
    }
    const who = x => [x.address, ' ', maker(x), x.model ? ' ' + x.model : ''];
    const section = (key, list, line) => el('section', {class: 'diff-part', id: 'diff-' + key},
      el('h3', {}, t('diff.' + key, {count: list.length})),
      list.length ? el('ul', {}, list.slice(0, DIFF_ROWS).map(x => el('li', {}, line(x)))) : el('p', {class: 'note'}, t('diff.nothing')),
      list.length > DIFF_ROWS ? el('p', {class: 'note'}, t('diff.more', {count: list.length - DIFF_ROWS})) : null);
    show(el('h2', {}, t('diff.title')), form,
      el('p', {class: 'note'}, t('diff.between', {old: d.old.id, new: d.new.id})),
      section('new_devices', d.new_devices, x => ['+ ', who(x)]),
      section('gone', d.gone, x => ['− ', who(x)]),
      section('replaced', d.replaced || [], x => [who(x), ': ', t('diff.replaced_line', {
        from: text(x.before.serial || x.before.mac), to: text(x.serial || x.mac)})]),
      section('moved', d.moved, x => [who(x), ' ', t('diff.moved_from', {from: x.from})]),
      section('firmware_changed', d.firmware_changed, x => [who(x), ': ', text(x.firmware_from), ' → ', text(x.firmware_to)]),
      section('findings_changed', d.findings_changed, x => [who(x), ': ',
        x.added.map(f => '+' + f).concat(x.removed.map(f => '−' + f)).join(', ')]));
  }

  // ---- alerts raised by the server (anshin serve --webhook / --syslog)
  async function alerts() {
    const data = await api('/api/v1/alerts?limit=500');
    const rows = data.alerts.map(a => {
      const dev = a.alert ? a.alert.device : {};
      return el('tr', {}, el('td', {}, when(a.created)), el('td', {}, t('alerts.kind.' + a.kind.replace('.', '_'))),
        el('td', {}, sevBadge(a.severity)),
        el('td', {class: 'mono'}, dev.address || ''), el('td', {}, [dev.manufacturer, dev.model].filter(Boolean).join(' ') || '—'),
        el('td', {class: 'mono'}, a.alert ? a.alert.detail : ''),
        el('td', {}, t('alerts.state.' + a.webhook)), el('td', {}, t('alerts.state.' + a.syslog)));
    });
    show(el('h2', {}, t('alerts.title')),
      rows.length ? table([t('audit.at'), t('alerts.kind_column'), t('column.severity'), t('column.address'),
                           t('column.manufacturer'), t('audit.detail'), t('alerts.webhook'), t('alerts.syslog')], rows, {id: 'alerts'})
                  : el('p', {class: 'note', id: 'alerts'}, t('alerts.none')));
  }

  // ---- schedules: the configured sites, their next runs and scan jobs (admins start scans)
  const JOB_ACTIVE = ['queued', 'running'];
  let refreshTimer = null;

  async function schedules() {
    const [sites, jobs] = await Promise.all([api('/api/v1/sites'), api('/api/v1/jobs?limit=50')]);
    const configured = sites.sites.filter(s => s.config);
    const isAdmin = session && session.role === 'admin';
    const status = el('p', {class: 'note', role: 'status', id: 'schedule-status'});
    const jobState = j => el('span', {class: 'job job-' + j.state}, t('job.state.' + j.state));
    const start = site => el('button', {class: 'start-scan', 'data-site': site.site, disabled: site.config.job ? true : null,
      onclick: async () => {
        try {
          const r = await api('/api/v1/sites/' + encodeURIComponent(site.site) + '/scan', {method: 'POST', body: {}});
          status.textContent = t('schedules.started', {site: site.site, job: r.job});
          route();
        } catch (err) { status.textContent = err.message; }
      }}, t('schedules.start'));
    const siteRows = configured.map(s => el('tr', {'data-site': s.site},
      el('td', {}, s.site), el('td', {}, t('runner.' + s.config.runner)),
      el('td', {class: 'mono'}, s.config.targets.join(', ')),
      el('td', {class: 'mono'}, s.config.schedule || t('schedules.manual_only')),
      el('td', {}, when(s.config.next_run)), el('td', {}, s.latest ? ['#' + s.latest.number + ' ', when(s.latest.started)] : '—'),
      el('td', {}, s.config.job ? jobState(s.config.job) : '—'),
      isAdmin ? el('td', {}, start(s)) : null));
    const jobRows = jobs.jobs.map(j => el('tr', {'data-job': String(j.id), 'data-state': j.state},
      el('td', {class: 'n'}, String(j.id)), el('td', {}, j.site), el('td', {}, t('job.reason.' + j.reason.replace('-', '_'))),
      el('td', {}, jobState(j)), el('td', {}, when(j.due)), el('td', {}, when(j.finished)),
      el('td', {}, j.scan ? link('/', {scan: String(j.scan)}, '#' + j.scan) : '—'), el('td', {}, text(j.error))));
    // Administrators save a site (a new one, or one of the list by the same name) with PUT /api/v1/sites/NAME.
    const siteForm = isAdmin ? el('form', {class: 'filters', id: 'site-form', onsubmit: async e => {
      e.preventDefault();
      const f = new FormData(e.target);
      let settings;
      try { settings = JSON.parse(f.get('settings') || '{}'); } catch (err) {
        status.textContent = t('schedules.bad_settings');
        return;
      }
      try {
        await api('/api/v1/sites/' + encodeURIComponent(f.get('name')), {method: 'PUT', body: {
          targets: String(f.get('targets')).split(/[\s,]+/).filter(Boolean), settings,
          schedule: f.get('schedule') || null, runner: f.get('runner')}});
        status.textContent = t('schedules.saved', {site: f.get('name')});
        route();
      } catch (err) { status.textContent = err.message; }
    }},
      el('label', {}, t('schedules.site'), el('input', {name: 'name', id: 'site-name', required: true, maxlength: 100})),
      el('label', {}, t('schedules.targets'), el('input', {name: 'targets', id: 'site-targets', required: true, placeholder: '192.168.1.0/24'})),
      el('label', {}, t('schedules.schedule'), el('input', {name: 'schedule', id: 'site-schedule', placeholder: '30 2 * * *'})),
      el('label', {}, t('schedules.runner'), el('select', {name: 'runner', id: 'site-runner'},
        el('option', {value: 'server'}, t('runner.server')), el('option', {value: 'sensor'}, t('runner.sensor')))),
      el('label', {}, t('schedules.settings'), el('input', {name: 'settings', id: 'site-settings', value: '{}', placeholder: '{"rate": 50}'})),
      el('button', {type: 'submit', id: 'site-save'}, t('schedules.save'))) : null;
    show(el('h2', {}, t('schedules.title')), status, siteForm,
      configured.length
        ? table([t('schedules.site'), t('schedules.runner'), t('schedules.targets'), t('schedules.schedule'),
                 t('schedules.next_run'), t('schedules.last_scan'), t('schedules.job'), isAdmin ? '' : null].filter(h => h !== null),
                siteRows, {id: 'sites'})
        : el('p', {class: 'note', id: 'sites'}, t('schedules.none')),
      el('h3', {}, t('schedules.jobs')),
      jobRows.length
        ? table([t('jobs.id'), t('schedules.site'), t('jobs.reason'), t('jobs.state'), t('jobs.due'), t('jobs.finished'),
                 t('jobs.scan'), t('jobs.error')], jobRows, {id: 'jobs'})
        : el('p', {class: 'note', id: 'jobs'}, t('jobs.none')));
    // While a scan is queued or running, the page follows it.
    if (jobs.jobs.some(j => JOB_ACTIVE.includes(j.state))) {
      clearTimeout(refreshTimer);
      const follow = () => {
        if (hashParams().path !== '/schedules') return;
        const form = document.getElementById('site-form');
        if (form && form.contains(document.activeElement)) refreshTimer = setTimeout(follow, 2000);  // typing: wait
        else route();
      };
      refreshTimer = setTimeout(follow, 2000);
    }
  }

  // ---- login and administration
  function login() {
    const status = el('p', {id: 'login-status', class: 'note', role: 'status'});
    const form = el('form', {id: 'login-form', class: 'login', onsubmit: async e => {
      e.preventDefault();
      const f = new FormData(e.target);
      try {
        const s = await api('/api/v1/login', {method: 'POST', body: {user: f.get('user'), password: f.get('password')}});
        session = Object.assign({authenticated: true, login_required: true}, s);
        renderNav();
        location.hash = '#/';
      } catch (err) {
        status.textContent = t('login.failed') + ' ' + err.message;
      }
    }},
      el('label', {}, t('login.user'), el('input', {name: 'user', id: 'login-user', autocomplete: 'username', required: true})),
      el('label', {}, t('login.password'), el('input', {name: 'password', id: 'login-password', type: 'password', autocomplete: 'current-password', required: true})),
      el('button', {type: 'submit', id: 'login-submit'}, t('login.submit')), status);
    show(el('h2', {}, t('login.title')), form);
  }

  async function admin() {
    const [users, audit] = await Promise.all([api('/api/v1/users'), api('/api/v1/audit?limit=100')]);
    const status = el('p', {class: 'note', role: 'status', id: 'admin-status'});
    const form = el('form', {class: 'filters', id: 'user-form', onsubmit: async e => {
      e.preventDefault();
      const f = new FormData(e.target);
      try {
        await api('/api/v1/users', {method: 'POST', body: {name: f.get('name'), role: f.get('role'), password: f.get('password')}});
        route();
      } catch (err) { status.textContent = err.message; }
    }}, el('input', {name: 'name', placeholder: t('login.user'), required: true}),
      el('select', {name: 'role'}, el('option', {value: 'viewer'}, t('role.viewer')), el('option', {value: 'admin'}, t('role.admin'))),
      el('input', {name: 'password', type: 'password', placeholder: t('login.password'), autocomplete: 'new-password', required: true}),
      el('button', {type: 'submit'}, t('admin.add_user')), status);
    show(el('h2', {}, t('admin.title')),
      table([t('login.user'), t('admin.role'), ''], users.users.map(u => el('tr', {}, el('td', {}, u.name), el('td', {}, t('role.' + u.role)),
        el('td', {}, u.name === session.user ? '' : el('button', {onclick: async () => {
          try { await api('/api/v1/users/' + encodeURIComponent(u.name), {method: 'DELETE', body: {}}); route(); }
          catch (err) { status.textContent = err.message; }
        }}, t('admin.delete'))))), {id: 'users'}),
      form,
      el('h3', {}, t('admin.audit')),
      table([t('audit.at'), t('login.user'), t('audit.action'), t('audit.detail'), t('audit.peer')],
        audit.entries.map(a => el('tr', {}, el('td', {}, when(a.at)), el('td', {}, a.user), el('td', {}, a.action), el('td', {}, a.detail), el('td', {}, a.peer))), {id: 'audit'}));
  }

  async function logout() {
    try { await api('/api/v1/logout', {method: 'POST', body: {}}); } catch (e) { /* shown by the login page */ }
    session = null;
    renderNav();
    location.hash = '#/login';
  }

  function renderNav() {
    const nav = document.getElementById('nav');
    const here = location.hash || '#/';
    const other = lang === 'ja' ? 'en' : 'ja';
    const items = [];
    if (!session || session.authenticated) {
      items.push(el('a', {href: '#/'}, t('nav.overview')), el('a', {href: '#/devices'}, t('nav.devices')), el('a', {href: '#/diff'}, t('nav.diff')),
                 el('a', {href: '#/schedules'}, t('nav.schedules')), el('a', {href: '#/alerts'}, t('nav.alerts')));
      if (session && session.role === 'admin' && session.login_required) items.push(el('a', {href: '#/admin'}, t('nav.admin')));
    }
    items.push(el('a', {href: '?lang=' + other + here, id: 'lang-switch', lang: other}, other === 'ja' ? '日本語' : 'English'));
    if (session && session.login_required && session.authenticated)
      items.push(el('span', {class: 'who'}, session.user), el('button', {id: 'logout', onclick: logout}, t('nav.logout')));
    nav.replaceChildren(...items);
  }

  async function route() {
    const {path, params} = hashParams();
    try {
      if (session && session.login_required && !session.authenticated && path !== '/login') { location.hash = '#/login'; return; }
      if (path === '/login') login();
      else if (path === '/devices') await devices(params);
      else if (path.startsWith('/device/')) await device(path.slice(8), params);
      else if (path === '/diff') await diff(params);
      else if (path === '/admin') await admin();
      else if (path === '/alerts') await alerts();
      else if (path === '/schedules') await schedules();
      else await overview(params);
      document.body.setAttribute('data-ready', path || '/');
    } catch (e) {
      show(errorBox(e));
      document.body.setAttribute('data-ready', 'error');
    }
  }

  async function start() {
    try {
      msgs = (await (await fetch('/api/v1/i18n?lang=' + lang, {credentials: 'same-origin'})).json()).messages;
      session = await (await fetch('/api/v1/session', {credentials: 'same-origin'})).json();
    } catch (e) {
      show(errorBox(e));
      return;
    }
    document.title = t('title');
    document.getElementById('brand').textContent = t('title');
    renderNav();
    window.addEventListener('hashchange', () => { document.body.removeAttribute('data-ready'); renderNav(); route(); });
    route();
  }

  start();
})();
