// The admin API as the dashboard uses it: the token (kept in this tab's sessionStorage), JSON
// calls, and the server-sent event stream read with fetch (EventSource cannot send a header).
const TOKEN_KEY = 'gatehouse.token';
let token = sessionStorage.getItem(TOKEN_KEY);
let abort = null;
let retry = null;

/** The token in use, or null. */
export function currentToken() {
  return token;
}

/** Uses a token for the calls that follow; {@code keep} saves it for the tab's life. */
export function useToken(value, keep) {
  token = value;
  if (value && keep) sessionStorage.setItem(TOKEN_KEY, value);
  if (!value) sessionStorage.removeItem(TOKEN_KEY);
}

export function headers(extra) {
  const h = Object.assign({}, extra);
  if (token) h.Authorization = 'Bearer ' + token;
  return h;
}

export class ApiError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

export async function api(method, path, body) {
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

/** Stops the stream and its retries. */
export function stopStream() {
  if (abort) abort.abort();
  abort = null;
  clearTimeout(retry);
}

/**
 * Reads the event stream until stopped, reconnecting 2 s after a failure: each view goes to
 * {@code on.view}, the connection's state to {@code on.live(boolean, text)}, a refused token to
 * {@code on.expired()}.
 */
export async function startStream(on) {
  stopStream();
  const mine = new AbortController();
  abort = mine;
  try {
    const res = await fetch('/api/v1/events', { headers: headers({ Accept: 'text/event-stream' }), cache: 'no-store', signal: mine.signal });
    if (res.status === 401) {
      // The token worked when it was entered (or the node needed none then): the node restarted
      // with another token, or a saved one is stale.
      on.expired();
      return;
    }
    if (!res.ok) throw new Error('HTTP ' + res.status);
    on.live(true, 'Live');
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        onEvent(buffer.slice(0, end), on.view);
        buffer = buffer.slice(end + 2);
      }
    }
    throw new Error('the node ended the stream');
  } catch (e) {
    if (mine.signal.aborted) return;
    on.live(false, 'Reconnecting…');
    retry = setTimeout(() => startStream(on), 2000);
  }
}

function onEvent(block, view) {
  let name = 'message';
  const data = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('event:')) name = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
  }
  if (name === 'dashboard' && data.length) view(JSON.parse(data.join('\n')));
}
