// The dashboard's view: pools and backends (keyed elements updated in place), deploys with their
// timelines, the fleet. Rates come from two successive views' counters and the node's timestamps.
import { $, el, put, child, prune, ago, clock, ms } from './dom.js';

const HISTORY = 60; // sparkline points: one a second, the last minute
const series = new Map(); // "pool address" -> {t, requests, errors, rps: [], eps: []}
const queues = new Map(); // pool -> {queued, waitMs, meanWait}

export function render(view) {
  $('node').textContent = 'version ' + view.version + ' · up ' + Math.floor(view.uptime_seconds / 60) + ' min · state revision ' + view.state_revision;
  renderDeploys(view);
  renderPools(view);
  renderFleet(view.fleet);
}

function track(key, t, requests, errors) {
  let s = series.get(key);
  if (!s) {
    s = { t, requests, errors, rps: [], eps: [] };
    series.set(key, s);
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
  const live = new Set();
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
      live.add(pool.name + ' ' + b.address);
      const row = child(body, b.address, () => backendRow(pool.name, b.address));
      fillRow(row, pool.name, b, p.traffic[b.address], view.at_millis);
    }
    prune(body, rows);
    body.closest('table').querySelector('caption').textContent = pool.backends.length + ' backend' + (pool.backends.length === 1 ? '' : 's');
  }
  prune(box, keys);
  const none = box.querySelector(':scope > .empty');
  if (view.pools.length && none) none.remove();
  if (!view.pools.length && !none) box.append(el('p', { class: 'empty', text: 'No pools.' }));
  forgetGone(series, live);
  forgetGone(queues, keys);
}

/** Drops the history of backends and pools the view no longer has, so a long-open tab stays small. */
function forgetGone(map, keep) {
  for (const k of [...map.keys()]) if (!keep.has(k)) map.delete(k);
}

function queueOf(pool) {
  const now = { queued: pool.queue.queued_total, waitMs: pool.queue.wait_ms_total, meanWait: null };
  const before = queues.get(pool.name);
  if (before) {
    const n = now.queued - before.queued;
    now.meanWait = n > 0 ? (now.waitMs - before.waitMs) / n : (pool.queue.length > 0 ? before.meanWait : null);
  }
  queues.set(pool.name, now);
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
