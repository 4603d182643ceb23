// The dashboard's actions: each opens a dialog that says what it does, asks for a confirmation,
// and shows the result or the API's reason for refusing.
import { $, el } from './dom.js';
import { api } from './api.js';

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

/** Opens the dialog of an action; {@code onExpired} is called when the node refuses the token. */
export function confirmAction(action, pool, address, opener, onExpired) {
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
      if (e.status === 401) { dialog.close(); onExpired(); return; }
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
