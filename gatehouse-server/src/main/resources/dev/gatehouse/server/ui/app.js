// Gatehouse dashboard. Plain JS, no framework: one event stream from the admin API, a view
// rebuilt in place (elements keyed by pool and backend, so focus and open dialogs survive the
// once-a-second updates), and actions through the same API with the same token.
'use strict';

const TOKEN_KEY = 'gatehouse.token';
const HISTORY = 60; // sparkline points: one a second, the last minute
const $ = (id) => document.getElementById(id);

const state = {
  token: sessionStorage.getItem(TOKEN_KEY),
  abort: null,
  last: null,            // the last dashboard view
  series: new Map(),     // "pool address" -> {t, requests, errors, rps: [], eps: []}
  queues: new Map(),     // pool -> {queued, waitMs, meanWait}
  retry: null,
};

// ---- the API ----------------------------------------------------------------------------------

function headers(extra) {
  const h = Object.assign({}, extra);
  if (state.token) h.Authorization = 'Bearer ' + state.token;
  return h;
}

class ApiError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

async function api(method, path, body) {
  const init = { method, headers: headers(body === undefined ? {} : { 'Content-Type': 'application/json' }), cache: 'no-store' };
  if (body !== undefined) init.body = JSON.stringify(body);
  const res = await fetch(path, init);
  let json = null;
  try { json = await res.json(); } catch (e) { /* an empty or non-JSON body */ }
  if (!res.ok) {
    throw new ApiError(res.status, (json && json.error) || ('HTTP ' + res.status));
  }
  return json;
}

// ---- signing in -------------------------------------------------------------------------------

function showLogin(message) {
  stopStream();
  $('main').hidden = true;
  $('signout').hidden = true;
  $('login').hidden = false;
  $('login-message').textContent = message || '';
  setLive(false, 'Not connected');
  $('token').focus();
}

function showDashboard() {
  $('login').hidden = true;
  $('main').hidden = false;
  $('signout').hidden = !state.token;
}

function forget(message) {
  state.token = null;
  sessionStorage.removeItem(TOKEN_KEY);
  showLogin(message);
}

async function signIn(event) {
  event.preventDefault();
  const token = $('token').value.trim();
  if (!token) {
    $('login-message').textContent = 'Enter the admin token.';
    return;
  }
  state.token = token;
  try {
    render(await api('GET', '/api/v1/dashboard'));
  } catch (e) {
    state.token = null;
    $('login-message').textContent = e.status === 401
      ? 'Wrong token: the node did not accept it. Check the token the node was started with.'
      : 'The node could not be reached: ' + e.message;
    $('token').select();
    return;
  }
  sessionStorage.setItem(TOKEN_KEY, token);
  $('token').value = '';
  showDashboard();
  startStream();
}

// ---- the event stream -------------------------------------------------------------------------

function setLive(on, text) {
  const live = $('live');
  live.textContent = text;
  live.className = 'live ' + (on ? 'on' : 'off');
}

function stopStream() {
  if (state.abort) state.abort.abort();
  state.abort = null;
  clearTimeout(state.retry);
}

async function startStream() {
  stopStream();
  const abort = new AbortController();
  state.abort = abort;
  try {
    const res = await fetch('/api/v1/events', { headers: headers({ Accept: 'text/event-stream' }), cache: 'no-store', signal: abort.signal });
    if (res.status === 401) {
      // The token worked when it was entered (or the node needed none then): the node restarted
      // with another token, or a saved one is stale.
      forget('Your session has expired: the node no longer accepts the saved token. Sign in again.');
      return;
    }
    if (!res.ok) throw new Error('HTTP ' + res.status);
    setLive(true, 'Live');
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        onEvent(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
      }
    }
    throw new Error('the node ended the stream');
  } catch (e) {
    if (abort.signal.aborted) return;
    setLive(false, 'Reconnecting…');
    state.retry = setTimeout(startStream, 2000);
  }
}

function onEvent(block) {
  let name = 'message';
  const data = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('event:')) name = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
  }
  if (name === 'dashboard' && data.length) render(JSON.parse(data.join('\n')));
}

// ---- rendering --------------------------------------------------------------------------------

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) if (c != null) e.append(c);
  return e;
}

function put(parent, ...children) {
  for (const c of children) if (c != null) parent.append(c);
}

function child(parent, key, make) {
  let e = parent.querySelector(':scope > [data-key="' + CSS.escape(key) + '"]');
  if (!e) {
    e = make();
    e.dataset.key = key;
    parent.append(e);
  }
  return e;
}

function prune(parent, keys) {
  for (const e of [...parent.querySelectorAll(':scope > [data-key]')]) {
    if (!keys.has(e.dataset.key)) e.remove();
  }
}

function ago(iso) {
  if (!iso) return '';
  const s = Math.round((Date.now() - Date.parse(iso)) / 1000);
  return s < 1 ? 'now' : s < 120 ? s + ' s ago' : Math.round(s / 60) + ' min ago';
}

function clock(iso) {
  return iso ? new Date(iso).toLocaleTimeString() : '';
}

function ms(v) {
  return v >= 100 ? Math.round(v) + ' ms' : v.toFixed(1) + ' ms';
}

function render(view) {
  state.last = view;
  $('node').textContent = 'version ' + view.version + ' · up ' + Math.floor(view.uptime_seconds / 60) + ' min · state revision ' + view.state_revision;
  renderDeploys(view);
  renderPools(view);
  renderFleet(view.fleet);
}

function track(key, t, requests, errors) {
  let s = state.series.get(key);
  if (!s) {
    s = { t, requests, errors, rps: [], eps: [] };
    state.series.set(key, s);
    return s;
  }
  const dt = (t - s.t) / 1000;
  if (dt > 0) {
    s.rps.push(Math.max(0, (requests - s.requests) / dt));
    s.eps.push(Math.max(0, (errors - s.errors) / dt));
    if (s.rps.length > HISTORY) { s.rps.shift(); s.eps.shift(); }
    s.t = t; s.requests = requests; s.errors = errors;
  }
  return s;
}

function spark(points, label, errors) {
  const w = 120, h = 26;
  const max = Math.max(1, ...points);
  const step = w / (HISTORY - 1);
  const start = w - step * (points.length - 1);
  const coords = points.map((v, i) => (start + i * step).toFixed(1) + ',' + (h - 2 - (v / max) * (h - 4)).toFixed(1)).join(' ');
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('class', 'spark' + (errors ? ' err' : ''));
  svg.setAttribute('viewBox', '0 0 ' + w + ' ' + h);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  // A baseline across the whole minute, so that a young series reads as the last seconds of it.
  const base = document.createElementNS(ns, 'line');
  base.setAttribute('x1', '0'); base.setAttribute('x2', String(w));
  base.setAttribute('y1', String(h - 1)); base.setAttribute('y2', String(h - 1));
  const line = document.createElementNS(ns, 'polyline');
  line.setAttribute('points', coords);
  svg.append(base, line);
  return svg;
}

function rate(v) {
  return v >= 10 ? Math.round(v) + '/s' : v.toFixed(1) + '/s';
}

const COLUMNS = ['Backend', 'State', 'In flight / limit', 'Latency p50 / p99 (1 min)', 'Requests/s', 'Errors/s', 'Weight', 'Actions'];

function renderPools(view) {
  const box = $('pools');
  const keys = new Set();
  for (const p of view.pools) {
    const pool = p.view;
    keys.add(pool.name);
    const card = child(box, pool.name, () => poolCard(pool.name));
    const q = queueOf(pool);
    card.querySelector('.f-live').textContent = p.live_version || 'none chosen';
    card.querySelector('.f-epoch').textContent = p.epoch;
    card.querySelector('.f-canary').textContent = p.canary ? p.canary + ' at ' + p.canary_percent + ' %' : 'none';
    card.querySelector('.f-queue').textContent = pool.queue.length + ' waiting';
    card.querySelector('.f-wait').textContent = q.meanWait == null ? '–' : ms(q.meanWait);
    card.querySelector('.f-strategy').textContent = pool.strategy + (pool.panicking ? ' (panic: too few backends)' : '');
    const body = card.querySelector('tbody');
    const rows = new Set();
    for (const b of pool.backends) {
      rows.add(b.address);
      const row = child(body, b.address, () => backendRow(pool.name, b.address));
      fillRow(row, pool.name, b, p.traffic[b.address], view.at_millis);
    }
    prune(body, rows);
    body.closest('table').querySelector('caption').textContent = pool.backends.length + ' backend' + (pool.backends.length === 1 ? '' : 's');
  }
  prune(box, keys);
  if (!view.pools.length) box.textContent = 'No pools.';
}

function queueOf(pool) {
  const now = { queued: pool.queue.queued_total, waitMs: pool.queue.wait_ms_total, meanWait: null };
  const before = state.queues.get(pool.name);
  if (before) {
    const n = now.queued - before.queued;
    now.meanWait = n > 0 ? (now.waitMs - before.waitMs) / n : (pool.queue.length > 0 ? before.meanWait : null);
  }
  state.queues.set(pool.name, now);
  return now;
}

function fact(label, cls) {
  return el('li', {}, label + ' ', el('b', { class: cls }));
}

function poolCard(name) {
  const head = el('div', { class: 'pool-head' }, el('h3', { text: 'Pool ' + name }),
    el('div', { class: 'pool-actions' },
      el('button', { type: 'button', 'data-action': 'deploy', 'data-pool': name, text: 'Deploy…' }),
      el('button', { type: 'button', 'data-action': 'rollback', 'data-pool': name, text: 'Roll back…' })));
  const facts = el('ul', { class: 'facts' }, fact('Live version', 'f-live'), fact('Epoch', 'f-epoch'),
    fact('Canary', 'f-canary'), fact('Queue', 'f-queue'), fact('Mean wait', 'f-wait'), fact('Balancing', 'f-strategy'));
  const thead = el('thead', {}, el('tr', {}, ...COLUMNS.map((c) => el('th', { scope: 'col', text: c }))));
  const table = el('table', { class: 'grid' }, el('caption'), thead, el('tbody'));
  return el('section', { class: 'pool', 'aria-label': 'Pool ' + name }, head, facts, table);
}

function backendRow(pool, address) {
  const cells = COLUMNS.map((c) => el('td', { 'data-label': c }));
  const who = pool + ' ' + address;
  const button = (action, text) => el('button', { type: 'button', 'data-action': action, 'data-pool': pool, 'data-address': address,
    'aria-label': text + ' ' + address, text });
  cells[7].append(el('div', { class: 'actions' }, button('drain', 'Drain'), button('maintenance', 'Maintenance'),
    button('ready', 'Ready'), button('weight', 'Weight…')));
  const row = el('tr', { 'aria-label': who }, ...cells);
  return row;
}

function fillRow(row, pool, b, traffic, t) {
  const c = row.children;
  c[0].textContent = '';
  c[0].append(el('span', { class: 'num', text: b.address }), el('span', { class: 'reason', text: 'version ' + b.version + (b.declared ? '' : ' · added') }));
  c[1].textContent = '';
  // Until when: a drain's deadline, an ejection's end (tried again then), a slow start's full share.
  const end = b.state === 'draining' ? b.drain_deadline : b.until;
  const until = end ? ' (until ' + clock(end) + ')' : '';
  put(c[1], el('span', { class: 'state state-' + b.state, text: b.state }),
    b.reason || until ? el('span', { class: 'reason', text: (b.reason || '') + until }) : null,
    b.tunnels ? el('span', { class: 'reason', text: b.tunnels + ' tunnel(s) open' }) : null);
  c[2].className = 'num';
  c[2].textContent = b.in_flight + ' / ' + (b.limit > 0 ? b.limit : 'no limit');
  const tr = traffic || { requests: 0, errors: 0, p50_ms: 0, p99_ms: 0 };
  c[3].className = 'num';
  c[3].textContent = tr.requests ? ms(tr.p50_ms) + ' / ' + ms(tr.p99_ms) : '–';
  const s = track(pool + ' ' + b.address, t, tr.requests, tr.errors);
  const rps = s.rps.length ? s.rps[s.rps.length - 1] : 0;
  const eps = s.eps.length ? s.eps[s.eps.length - 1] : 0;
  c[4].textContent = '';
  c[4].append(el('span', { class: 'num', text: rate(rps) }), spark(s.rps, 'requests per second over the last minute, now ' + rate(rps)));
  c[5].textContent = '';
  c[5].append(el('span', { class: 'num', text: rate(eps) }), spark(s.eps, 'errors per second over the last minute, now ' + rate(eps), true));
  c[6].className = 'num';
  c[6].textContent = b.weight;
  row.dataset.state = b.state;
}

const STRICT_STEPS = ['gate', 'warm-up', 'hold', 'switch', 'drain', 'retire'];
const FAST_STEPS = ['gate', 'warm-up', 'switch', 'drain', 'retire'];

function timeline(d) {
  const seen = new Map(d.steps.map((s) => [s.step, s.at]));
  // A running deploy shows the steps to come; an ended one only those it went through (a drain
  // with nothing left to wait for is skipped, an abort ends it early).
  const all = d.ended_at ? d.steps.map((s) => s.step)
    : (d.mode === 'strict' ? STRICT_STEPS : FAST_STEPS).filter((s) => s !== 'warm-up' || seen.has('warm-up'));
  const current = d.steps.length ? d.steps[d.steps.length - 1].step : null;
  const list = el('ol', { class: 'timeline', 'aria-label': 'Steps of the deploy of ' + d.to });
  for (const step of all) {
    const at = seen.get(step);
    const li = el('li', { 'data-step': step, text: step + (at ? ' ' + clock(at) : '') });
    if (step === 'abort') li.className = 'failed';
    else if (at && (step !== current || d.ended_at)) li.className = 'done';
    if (step === current && !d.ended_at) li.setAttribute('aria-current', 'step');
    if (!at && !d.ended_at) li.title = 'not reached yet';
    list.append(li);
  }
  return list;
}

function renderDeploys(view) {
  const box = $('deploys');
  box.textContent = '';
  if (!view.deploys.length) box.append(el('p', { class: 'empty', text: 'No deploy is running.' }));
  for (const d of view.deploys) {
    box.append(el('article', { class: 'deploy', 'aria-label': 'Deploy of ' + d.to + ' to pool ' + d.pool, 'data-pool': d.pool },
      el('h3', { text: 'Pool ' + d.pool + ': ' + (d.from || 'nothing') + ' → ' + d.to + ' (' + d.mode + ')' }),
      timeline(d),
      el('p', { class: 'phase', text: d.phase + ': ' + d.detail + ' · started ' + ago(d.started_at) })));
  }
  const recent = $('recent');
  recent.textContent = '';
  for (const d of view.recent_deploys) {
    recent.append(el('li', { 'data-pool': d.pool },
      el('strong', { text: 'Pool ' + d.pool + ': ' + (d.from || 'nothing') + ' → ' + d.to }),
      ' ' + d.phase + ' ' + ago(d.ended_at) + ' (' + d.detail + (d.reason ? '; ' + d.reason : '') + ')',
      timeline(d)));
  }
  $('recent-box').querySelector('summary').textContent = 'Last deploys (' + view.recent_deploys.length + ')';
}

function renderFleet(fleet) {
  $('fleet-box').hidden = !fleet;
  if (!fleet) return;
  $('fleet-caption').textContent = 'Fleet ' + fleet.name + ', seen from node ' + fleet.node + (fleet.stale ? ' (STALE: cut off from etcd)' : '');
  const body = $('fleet');
  body.textContent = '';
  for (const n of fleet.nodes) {
    // A balancer reports each pool's live version and epoch; an agent, its apps' instances by version.
    const pools = Object.entries(n.pools || {}).map(([p, e]) => p + ' ' + (e.live_version || '–') + ' @' + e.epoch)
      .concat(Object.entries(n.apps || {}).map(([app, byVersion]) => app + ': '
        + Object.entries(byVersion).map(([v, count]) => count + ' × ' + v).join(', ')))
      .join('; ') || '–';
    body.append(el('tr', {}, el('td', { 'data-label': 'Node', text: n.name + (n.stale ? ' (stale)' : '') }),
      el('td', { 'data-label': 'Role', text: n.role || '' }), el('td', { 'data-label': 'State revision', class: 'num', text: n.state_revision }),
      el('td', { 'data-label': 'Lag', class: 'num', text: n.revision_lag }),
      el('td', { 'data-label': 'Heartbeat', class: 'num', text: Math.round(n.heartbeat_age_millis / 100) / 10 + ' s ago' }),
      el('td', { 'data-label': 'Pools or apps', text: pools })));
  }
}

// ---- actions ----------------------------------------------------------------------------------

function field(label, name, attrs) {
  const id = 'f-' + name;
  return el('div', { class: 'field' }, el('label', { for: id, text: label }), el(attrs.tag || 'input', Object.assign({ id, name }, attrs.attrs)));
}

function actionFor(action, pool, address) {
  const enc = encodeURIComponent;
  const backend = '/api/v1/pools/' + enc(pool) + '/backends/' + enc(address);
  switch (action) {
    case 'drain': return { text: 'Drain ' + address + ' in pool ' + pool + '? It takes no new requests; those in flight finish.', path: backend + '/drain', body: () => ({}) };
    case 'maintenance': return { text: 'Put ' + address + ' of pool ' + pool + ' in maintenance? It takes no requests at all.', path: backend + '/maintenance', body: () => ({}) };
    case 'ready': return { text: 'Make ' + address + ' of pool ' + pool + ' ready to take requests again?', path: backend + '/ready', body: () => ({}) };
    case 'weight': return {
      text: 'Set the weight of ' + address + ' in pool ' + pool + '.', method: 'PUT', path: backend + '/weight',
      fields: [field('Weight (0 to 1000)', 'weight', { attrs: { type: 'number', min: '0', max: '1000', required: '', value: '1' } })],
      body: (f) => ({ weight: Number(f.weight.value) }),
    };
    case 'deploy': return {
      text: 'Deploy a new version to pool ' + pool + '.', path: '/api/v1/pools/' + enc(pool) + '/deploy',
      fields: [field('Version', 'version', { attrs: { required: '', autocomplete: 'off' } }),
        field('Backends (host:port, comma-separated; empty for a supervised app)', 'backends', { attrs: { autocomplete: 'off' } }),
        field('Cutover', 'mode', { tag: 'select', attrs: {} })],
      body: (f) => {
        const body = { version: f.version.value.trim(), mode: f.mode.value };
        const list = f.backends.value.split(',').map((s) => s.trim()).filter((s) => s);
        if (list.length) body.backends = list;
        return body;
      },
    };
    case 'rollback': return { text: 'Roll pool ' + pool + ' back to its previous version?', path: '/api/v1/pools/' + enc(pool) + '/rollback', body: () => ({}) };
    default: return null;
  }
}

function confirmAction(action, pool, address, opener) {
  const a = actionFor(action, pool, address);
  if (!a) return;
  const dialog = $('confirm');
  $('confirm-title').textContent = 'Confirm: ' + action + (address ? ' ' + address : ' pool ' + pool);
  $('confirm-text').textContent = a.text;
  $('confirm-error').textContent = '';
  const fields = $('confirm-fields');
  fields.textContent = '';
  for (const f of a.fields || []) fields.append(f);
  const mode = fields.querySelector('select');
  if (mode) for (const m of ['strict', 'fast']) mode.append(el('option', { value: m, text: m }));
  const form = $('confirm-form');
  form.onsubmit = async (event) => {
    event.preventDefault();
    if (!form.checkValidity()) { form.reportValidity(); return; }
    $('confirm-ok').disabled = true;
    try {
      await api(a.method || 'POST', a.path, a.body(form.elements));
      dialog.close();
      notice('Done: ' + action + (address ? ' ' + address : '') + ' in pool ' + pool + '.', false);
    } catch (e) {
      if (e.status === 401) { dialog.close(); forget('Your session has expired: the node no longer accepts the saved token. Sign in again.'); return; }
      $('confirm-error').textContent = e.status === 404
        ? 'Not done: ' + (address ? address + ' is no longer a backend of pool ' + pool : 'pool ' + pool + ' no longer exists')
          + ' (the node says: ' + e.message + ')'
        : 'Not done: ' + e.message;
    } finally {
      $('confirm-ok').disabled = false;
    }
  };
  $('confirm-cancel').onclick = () => dialog.close();
  dialog.onclose = () => { if (opener && opener.isConnected) opener.focus(); };
  dialog.showModal();
  (fields.querySelector('input, select') || $('confirm-ok')).focus();
}

function notice(text, error) {
  const n = $('notice');
  n.textContent = text;
  n.className = 'message' + (error ? ' error' : ' ok');
}

// ---- start ------------------------------------------------------------------------------------

async function start() {
  $('login-form').addEventListener('submit', signIn);
  $('signout').addEventListener('click', () => forget('Signed out.'));
  document.body.addEventListener('click', (event) => {
    const b = event.target.closest('button[data-action]');
    if (b) confirmAction(b.dataset.action, b.dataset.pool, b.dataset.address, b);
  });
  let session;
  try {
    session = await (await fetch('/ui/session', { cache: 'no-store' })).json();
  } catch (e) {
    showLogin('The node could not be reached: ' + e.message);
    return;
  }
  if (session.token_required && !state.token) {
    showLogin('');
    return;
  }
  if (!session.token_required) state.token = null;
  try {
    render(await api('GET', '/api/v1/dashboard'));
  } catch (e) {
    if (e.status === 401) {
      forget('Your session has expired: the node no longer accepts the saved token. Sign in again.');
      return;
    }
    showLogin('The node could not be reached: ' + e.message);
    return;
  }
  showDashboard();
  startStream();
}

start();
