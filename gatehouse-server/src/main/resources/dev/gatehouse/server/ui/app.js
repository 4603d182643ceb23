// Gatehouse dashboard: signing in and out, and the start. Plain JS modules, no framework: one event
// stream from the admin API (api.js), a view rebuilt in place (view.js: elements keyed by pool and
// backend, so focus and open dialogs survive the once-a-second updates), and actions through the
// same API with the same token (actions.js).
import { $ } from './dom.js';
import { api, currentToken, useToken, startStream, stopStream } from './api.js';
import { render } from './view.js';
import { confirmAction } from './actions.js';

const EXPIRED = 'Your session has expired: the node no longer accepts the saved token. Sign in again.';

function setLive(on, text) {
  const live = $('live');
  live.textContent = text;
  live.className = 'live ' + (on ? 'on' : 'off');
}

const stream = { view: render, live: setLive, expired: () => forget(EXPIRED) };

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
  $('signout').hidden = !currentToken();
}

function forget(message) {
  useToken(null);
  showLogin(message);
}

async function signIn(event) {
  event.preventDefault();
  const token = $('token').value.trim();
  if (!token) {
    $('login-message').textContent = 'Enter the admin token.';
    return;
  }
  useToken(token, false);
  try {
    render(await api('GET', '/api/v1/dashboard'));
  } catch (e) {
    useToken(null);
    $('login-message').textContent = e.status === 401
      ? 'Wrong token: the node did not accept it. Check the token the node was started with.'
      : 'The node could not be reached: ' + e.message;
    $('token').select();
    return;
  }
  useToken(token, true);
  $('token').value = '';
  showDashboard();
  // The form is gone: the focus goes to the page's first heading, not to a hidden field.
  $('deploys-title').focus();
  startStream(stream);
}

async function start() {
  $('login-form').addEventListener('submit', signIn);
  $('signout').addEventListener('click', () => forget('Signed out.'));
  document.body.addEventListener('click', (event) => {
    const b = event.target.closest('button[data-action]');
    if (b) confirmAction(b.dataset.action, b.dataset.pool, b.dataset.address, b, () => forget(EXPIRED));
  });
  let session;
  try {
    session = await (await fetch('/ui/session', { cache: 'no-store' })).json();
  } catch (e) {
    showLogin('The node could not be reached: ' + e.message);
    return;
  }
  if (session.token_required && !currentToken()) {
    showLogin('');
    return;
  }
  if (!session.token_required) useToken(null);
  try {
    render(await api('GET', '/api/v1/dashboard'));
  } catch (e) {
    if (e.status === 401) {
      forget(EXPIRED);
      return;
    }
    showLogin('The node could not be reached: ' + e.message);
    return;
  }
  showDashboard();
  startStream(stream);
}

start();
