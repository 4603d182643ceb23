// The dashboard's DOM and formatting helpers: elements are built with text, never parsed HTML.
export const $ = (id) => document.getElementById(id);

export function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) if (c != null) e.append(c);
  return e;
}

export function put(parent, ...children) {
  for (const c of children) if (c != null) parent.append(c);
}

export function child(parent, key, make) {
  let e = parent.querySelector(':scope > [data-key="' + CSS.escape(key) + '"]');
  if (!e) {
    e = make();
    e.dataset.key = key;
    parent.append(e);
  }
  return e;
}

export function prune(parent, keys) {
  for (const e of [...parent.querySelectorAll(':scope > [data-key]')]) {
    if (!keys.has(e.dataset.key)) e.remove();
  }
}

export function ago(iso) {
  if (!iso) return '';
  const s = Math.round((Date.now() - Date.parse(iso)) / 1000);
  return s < 1 ? 'now' : s < 120 ? s + ' s ago' : Math.round(s / 60) + ' min ago';
}

export function clock(iso) {
  return iso ? new Date(iso).toLocaleTimeString() : '';
}

export function ms(v) {
  return v >= 100 ? Math.round(v) + ' ms' : v.toFixed(1) + ' ms';
}
