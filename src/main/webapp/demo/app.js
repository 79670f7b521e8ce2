// Switchboard chat demo: a plain ES module speaking the switchboard.v1 protocol (docs/protocol.md).
// All user-supplied text is rendered with textContent, never as HTML.
//
// Sign-in: the demo token issuer (POST demo/token; it exists only where the hub runs with
// switchboard.security.demo-issuer=enabled, i.e. the demo domain) checks a realm user and answers a
// short-lived JWT. The token lives in this tab's memory and sessionStorage only, so two tabs of one
// browser can be two users. It travels to the hub in the WebSocket subprotocol list
// ("switchboard.v1", "bearer.<token>"), never in a URL, so it stays out of access logs. The issuer is
// called without cookies (credentials: 'omit'): nothing but the token says who this tab is.

const PROTOCOL = 'switchboard.v1';
const BEARER_PREFIX = 'bearer.';
const SESSION_KEY = 'switchboard.demo.session';
const CHANNEL_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;
const ERROR_TTL_MS = 8000;
const MAX_ERRORS = 4;
/** A token that expires sooner than this is renewed before the page (re)connects with it. */
const RENEW_BEFORE_CONNECT_MS = 90_000;
/** Reconnect delays after a close or a refused handshake; the last one repeats. */
const BACKOFF_MS = [1000, 2000, 4000, 8000, 15000];
/** Messages fetched from the channel's history when joining it. */
const HISTORY_ON_JOIN = 20;
const REFUSED = 'refused (not signed in, or not allowed from this page)';

const CLOSE_REASONS = {
  1000: 'normal closure',
  1001: 'going away: the hub is stopping or being redeployed',
  1006: 'connection lost (refused or dropped without a close frame)',
  1009: 'message too big',
  1011: 'internal server error',
  4001: 'slow consumer: the send queue overflowed',
  4002: 'heartbeat timeout',
  4003: 'token expired',
};

const $ = (id) => document.getElementById(id);
const ui = {
  signinForm: $('signin-form'),
  username: $('username'),
  password: $('password'),
  signin: $('signin'),
  identity: $('identity'),
  whoami: $('whoami'),
  whoamiDetail: $('whoami-detail'),
  signout: $('signout'),
  joinForm: $('join-form'),
  channel: $('channel'),
  join: $('join'),
  leave: $('leave'),
  status: $('status'),
  messages: $('messages'),
  empty: $('messages-empty'),
  compose: $('compose'),
  text: $('text'),
  send: $('send'),
  presence: $('presence'),
  presenceCount: $('presence-count'),
  errors: $('errors'),
};

/** The hub endpoint next to the page's context root (/switchboard/demo/app.js -> /switchboard/ws), ws: or wss: like the page. */
export function hubUrl(pageUrl = import.meta.url) {
  const url = new URL('../ws', pageUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.search = '';
  url.hash = '';
  return url.toString();
}

/** The demo token issuer: /switchboard/demo/token. */
export function issuerUrl(pageUrl = import.meta.url) {
  const url = new URL('token', pageUrl);
  url.search = '';
  url.hash = '';
  return url.toString();
}

const state = {
  session: null,         // {token, expiresAt, subject, name} from the issuer
  signingIn: false,
  renewing: null,        // the token renewal in progress (a promise)
  channel: null,         // the channel this tab has joined (also while reconnecting), or null
  ws: null,
  opened: false,         // the current socket got through the handshake
  me: null,              // {connection, name, user} from the welcome frame
  subscribed: false,
  nextId: 1,
  pending: new Map(),    // request id -> {type, channel}
  members: new Map(),    // connection id -> {name, user}
  presenceQuery: null,   // id of the outstanding presence query
  bufferedEvents: [],    // join/leave events seen while the presence query is outstanding
  historyQuery: null,    // id of the outstanding history request (history on join)
  subscribedAt: null,    // {epoch, seq}: the channel's position when this tab joined it
  last: null,            // {epoch, seq} of the newest message shown
  seen: new Set(),       // "epoch:seq" of the messages shown (a resume or history may repeat some)
  attempt: 0,            // reconnects since the last successful subscribe
  retryTimer: null,
  refusals: 0,           // refused handshakes in a row
  renewFirst: false,     // renew the token before the next handshake (the last one was refused)
};

// ---------------------------------------------------------------- status and controls

function setStatus(kind, text) {
  ui.status.dataset.state = kind;
  ui.status.textContent = text;
}

function who() {
  if (state.me) return state.me.name || state.me.user || '?';
  return state.session ? state.session.name : '?';
}

function renderControls() {
  const signedIn = state.session !== null;
  const joined = state.channel !== null;
  ui.signinForm.hidden = signedIn;
  ui.identity.hidden = !signedIn;
  ui.username.disabled = state.signingIn;
  ui.password.disabled = state.signingIn;
  ui.signin.disabled = state.signingIn;
  ui.channel.disabled = joined;
  ui.join.disabled = !signedIn || joined;
  ui.leave.disabled = !joined;
}

function renderIdentity() {
  const s = state.session;
  if (!s) {
    ui.whoami.textContent = '';
    ui.whoamiDetail.textContent = '';
  } else {
    ui.whoami.textContent = state.me ? state.me.name : s.name;
    const parts = [`user ${state.me && state.me.user ? state.me.user : s.subject}`];
    if (state.me) parts.push(`connection ${state.me.connection}`);
    parts.push(`token valid until ${formatTime(s.expiresAt)}`);
    ui.whoamiDetail.textContent = `(${parts.join(' \u00b7 ')})`;
  }
  renderControls();
}

function setComposeEnabled(enabled) {
  ui.text.disabled = !enabled;
  ui.send.disabled = !enabled;
  if (enabled) ui.text.focus();
}

function describeClose(code, reason) {
  const known = CLOSE_REASONS[code] || 'closed';
  return reason ? `${code} ${known} (${reason})` : `${code} ${known}`;
}

// ---------------------------------------------------------------- errors

function showError(text) {
  const item = document.createElement('div');
  item.className = 'error';
  item.textContent = text;
  const close = document.createElement('button');
  close.type = 'button';
  close.className = 'dismiss';
  close.setAttribute('aria-label', 'Dismiss');
  close.textContent = '\u00d7';
  close.addEventListener('click', () => item.remove());
  item.append(close);
  ui.errors.append(item);
  while (ui.errors.children.length > MAX_ERRORS) ui.errors.firstElementChild.remove();
  setTimeout(() => item.remove(), ERROR_TTL_MS);
}

// ---------------------------------------------------------------- session (tab-scoped token)

function loadSession() {
  try {
    const s = JSON.parse(sessionStorage.getItem(SESSION_KEY) || 'null');
    if (s && typeof s.token === 'string' && typeof s.expiresAt === 'number' && s.expiresAt > Date.now()) return s;
    sessionStorage.removeItem(SESSION_KEY);
  } catch (e) {
    // no sessionStorage (or unreadable): the token lives in memory only
  }
  return null;
}

function storeSession(session) {
  state.session = session;
  try {
    if (session) sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
    else sessionStorage.removeItem(SESSION_KEY);
  } catch (e) {
    // memory only
  }
  renderIdentity();
}

class IssuerError extends Error {
  constructor(kind, message) {
    super(message);
    this.kind = kind;    // 'invalid' (credentials or token refused), 'off', 'network', 'http'
  }
}

/** Asks the demo issuer for a token: with {username, password}, or with {bearer} to renew one. */
async function requestToken({ username, password, bearer }) {
  const init = { method: 'POST', credentials: 'omit', cache: 'no-store', headers: { Accept: 'application/json' } };
  if (bearer) {
    init.headers.Authorization = `Bearer ${bearer}`;
  } else {
    init.body = new URLSearchParams({ username, password });
  }
  let response;
  try {
    response = await fetch(issuerUrl(), init);
  } catch (e) {
    throw new IssuerError('network', 'the hub cannot be reached');
  }
  if (response.status === 401) {
    throw new IssuerError('invalid', bearer ? 'the sign-in is no longer valid' : 'wrong user name or password');
  }
  if (response.status === 404) {
    throw new IssuerError('off', 'sign-in is not available here: the demo token issuer is off on this server');
  }
  if (response.status === 429) throw new IssuerError('http', 'too many attempts; try again in a moment');
  if (!response.ok) throw new IssuerError('http', `the token issuer answered HTTP ${response.status}`);
  let body;
  try {
    body = await response.json();
  } catch (e) {
    throw new IssuerError('http', 'the token issuer answered something that is not JSON');
  }
  if (!body || typeof body.token !== 'string' || typeof body.expiresAt !== 'number') {
    throw new IssuerError('http', 'the token issuer answered without a token');
  }
  const subject = typeof body.subject === 'string' ? body.subject : '?';
  return { token: body.token, expiresAt: body.expiresAt, subject, name: typeof body.name === 'string' ? body.name : subject };
}

/** Renews the tab's token with the current one (one renewal at a time); resolves to the new session. */
function renewToken() {
  if (!state.renewing) {
    const current = state.session;
    if (!current) return Promise.reject(new IssuerError('invalid', 'not signed in'));
    state.renewing = requestToken({ bearer: current.token })
      .then((session) => {
        if (state.session === current) storeSession(session);
        return state.session;
      })
      .finally(() => {
        state.renewing = null;
      });
  }
  return state.renewing;
}

async function signIn(username, password) {
  state.signingIn = true;
  renderControls();
  setStatus('connecting', `signing in as ${username}\u2026`);
  try {
    storeSession(await requestToken({ username, password }));
    ui.password.value = '';
    setStatus('offline', `signed in as ${state.session.name} \u00b7 join a channel`);
    ui.channel.focus();
  } catch (e) {
    showError(`sign-in failed: ${e.message}`);
    setStatus('error', `offline \u00b7 sign-in failed: ${e.message}`);
    ui.password.select();
  } finally {
    state.signingIn = false;
    renderControls();
  }
}

/** Ends this tab's sign-in (and its connection): the user must sign in again. */
function endSession(reason) {
  disconnect();
  state.channel = null;
  storeSession(null);
  resetView();
  if (reason) {
    setStatus('closed', `signed out \u00b7 ${reason}`);
    showError(reason);
  } else {
    setStatus('offline', 'signed out');
  }
  ui.username.focus();
}

// ---------------------------------------------------------------- messages

function formatTime(ts) {
  const d = typeof ts === 'number' ? new Date(ts) : new Date();
  return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

function payloadText(data) {
  if (data && typeof data === 'object' && typeof data.text === 'string') return data.text;
  if (typeof data === 'string') return data;
  return JSON.stringify(data);
}

function appendToLog(el) {
  const log = ui.messages;
  const nearBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
  ui.empty.hidden = true;
  log.append(el);
  if (nearBottom) log.scrollTop = log.scrollHeight;
}

/** Whether a message is new to this view (and remembers it as the newest position if it is). */
function acceptMessage(frame) {
  if (typeof frame.epoch !== 'number' || typeof frame.seq !== 'number') return true;
  const key = `${frame.epoch}:${frame.seq}`;
  if (state.seen.has(key)) return false;
  state.seen.add(key);
  const last = state.last;
  if (!last || frame.epoch > last.epoch || (frame.epoch === last.epoch && frame.seq > last.seq)) {
    state.last = { epoch: frame.epoch, seq: frame.seq };
  }
  return true;
}

function isOwn(from) {
  const me = state.me;
  if (!me || !from) return false;
  return from.connection === me.connection || (typeof from.user === 'string' && from.user === me.user);
}

function buildMessage(frame) {
  const from = frame.from || {};
  const own = isOwn(from);
  const item = document.createElement('div');
  item.className = own ? 'msg own' : 'msg';
  if (frame.seq !== undefined) item.dataset.seq = String(frame.seq);

  const meta = document.createElement('div');
  meta.className = 'meta';
  const sender = document.createElement('span');
  sender.className = 'from';
  sender.textContent = from.name || from.user || 'unknown';
  if (from.user) sender.title = `user ${from.user}`;
  const when = document.createElement('time');
  when.className = 'time';
  if (typeof frame.ts === 'number') when.dateTime = new Date(frame.ts).toISOString();
  when.textContent = formatTime(frame.ts);
  meta.append(sender, when);
  if (own) {
    const tag = document.createElement('span');
    tag.className = 'you';
    tag.textContent = 'you';
    meta.append(tag);
  }

  const body = document.createElement('div');
  body.className = 'text';
  body.textContent = payloadText(frame.data);

  item.append(meta, body);
  return item;
}

function renderNotice(text) {
  const item = document.createElement('div');
  item.className = 'notice';
  item.textContent = text;
  appendToLog(item);
}

/** An error line in the channel view, e.g. a request the hub refused with `forbidden`. */
function renderProblem(code, text) {
  const item = document.createElement('div');
  item.className = 'notice problem';
  item.dataset.code = code;
  const tag = document.createElement('span');
  tag.className = 'code';
  tag.textContent = code;
  item.append(tag, ` ${text}`);
  appendToLog(item);
}

function onHistory(frame) {
  if (frame.id === undefined || frame.id !== state.historyQuery || frame.channel !== state.channel) return;
  state.historyQuery = null;
  const at = state.subscribedAt;
  const messages = frame.data && Array.isArray(frame.data.messages) ? frame.data.messages : [];
  const fragment = document.createDocumentFragment();
  let shown = 0;
  for (const m of messages) {
    // only what was there before this tab joined: later ones arrive (or arrived) live
    if (!m || !at || m.epoch !== at.epoch || typeof m.seq !== 'number' || m.seq > at.seq) continue;
    if (!acceptMessage(m)) continue;
    fragment.append(buildMessage(m));
    shown++;
  }
  if (!shown) return;
  const divider = document.createElement('div');
  divider.className = 'notice';
  divider.textContent = shown === 1 ? 'one earlier message' : `${shown} earlier messages`;
  fragment.prepend(divider);
  ui.empty.hidden = true;
  ui.empty.after(fragment); // above everything shown since joining
  ui.messages.scrollTop = ui.messages.scrollHeight;
}

function resetView() {
  ui.messages.querySelectorAll('.msg, .notice').forEach((el) => el.remove());
  ui.empty.hidden = false;
  state.seen = new Set();
  state.last = null;
  state.subscribedAt = null;
}

// ---------------------------------------------------------------- presence

function memberLabel(member) {
  const name = member.name || member.user || '?';
  return member.user && member.user !== name ? `${name} (${member.user})` : name;
}

function renderPresence() {
  const entries = [...state.members.entries()]
    .map(([connection, member]) => [connection, member, memberLabel(member)])
    .sort((a, b) => a[2].localeCompare(b[2]) || a[0].localeCompare(b[0]));
  const items = entries.map(([connection, member, label]) => {
    const li = document.createElement('li');
    li.dataset.connection = connection;
    if (member.user) li.dataset.user = member.user;
    li.textContent = label;
    if (state.me && connection === state.me.connection) li.classList.add('me');
    li.title = `connection ${connection}`;
    return li;
  });
  ui.presence.replaceChildren(...items);
  ui.presenceCount.textContent = String(entries.length);
}

function toMember(m) {
  return { name: typeof m.name === 'string' ? m.name : undefined, user: typeof m.user === 'string' ? m.user : undefined };
}

function applyPresenceEvent(type, member) {
  if (!member || typeof member.connection !== 'string') return;
  if (type === 'join') state.members.set(member.connection, toMember(member));
  else state.members.delete(member.connection);
}

function onPresenceEvent(frame) {
  if (frame.channel !== state.channel) return;
  const member = frame.data || {};
  const known = state.members.has(member.connection);
  applyPresenceEvent(frame.type, member);
  // Replayed on top of the snapshot when the query answers, so nothing that raced it is lost.
  if (state.presenceQuery !== null) state.bufferedEvents.push([frame.type, member]);
  renderPresence();
  const isMe = state.me && member.connection === state.me.connection;
  if (!isMe && frame.type === 'join' && !known) renderNotice(`${memberLabel(toMember(member))} joined`);
  if (!isMe && frame.type === 'leave' && known) renderNotice(`${memberLabel(toMember(member))} left`);
}

function onPresenceSnapshot(frame) {
  if (frame.id !== undefined && frame.id !== state.presenceQuery) return;
  if (frame.channel !== state.channel) return;
  const members = (frame.data && Array.isArray(frame.data.members)) ? frame.data.members : [];
  state.members = new Map();
  for (const m of members) {
    if (m && typeof m.connection === 'string') state.members.set(m.connection, toMember(m));
  }
  for (const [type, member] of state.bufferedEvents) applyPresenceEvent(type, member);
  state.bufferedEvents = [];
  state.presenceQuery = null;
  renderPresence();
}

// ---------------------------------------------------------------- wire

function send(type, fields = {}) {
  const ws = state.ws;
  if (!ws || ws.readyState !== WebSocket.OPEN) return null;
  const id = String(state.nextId++);
  state.pending.set(id, { type, channel: fields.channel });
  ws.send(JSON.stringify({ type, id, ...fields }));
  return id;
}

function onSubscribed(data) {
  state.subscribed = true;
  state.attempt = 0;
  setStatus('connected', `connected as ${who()} \u00b7 #${state.channel}`);
  setComposeEnabled(true);
  state.presenceQuery = send('presence', { channel: state.channel });
  state.bufferedEvents = [];
  const position = typeof data.epoch === 'number' && typeof data.seq === 'number' ? { epoch: data.epoch, seq: data.seq } : null;
  if (state.subscribedAt === null) {
    // first subscription of this visit to the channel: show what it said before
    state.subscribedAt = position;
    if (position && position.seq > 0) {
      state.historyQuery = send('history', { channel: state.channel, limit: HISTORY_ON_JOIN });
    }
  } else if (data.recovered === false) {
    renderNotice('reconnected; some messages sent meanwhile could not be recovered');
  } else {
    renderNotice('reconnected');
  }
}

function onReply(frame) {
  const request = frame.id !== undefined ? state.pending.get(frame.id) : undefined;
  if (frame.id !== undefined) state.pending.delete(frame.id);
  const data = frame.data || {};
  if (data.ok) {
    if (request && request.type === 'subscribe' && request.channel === state.channel) onSubscribed(data);
    if (request && request.type === 'refresh' && state.session && typeof data.expiresAt === 'number') {
      storeSession({ ...state.session, expiresAt: data.expiresAt });
    }
    return;
  }
  const error = data.error || {};
  const code = typeof error.code === 'string' ? error.code : 'error';
  const detail = typeof error.message === 'string' && error.message ? ` \u2014 ${error.message}` : '';
  const type = request ? request.type : 'request';
  const where = request && request.channel ? ` #${request.channel}` : '';
  if (type === 'subscribe' && request.channel === state.channel) {
    const why = code === 'forbidden' ? 'not allowed on' : 'could not join';
    setStatus('error', `connected as ${who()} \u00b7 ${why} #${state.channel} (${code})`);
    renderProblem(code, `${type}${where} refused${detail}`);
  } else if (type === 'refresh') {
    renderProblem(code, `token refresh refused${detail}; the hub will close the connection when the token expires`);
    showError(`token refresh refused: ${code}`);
  } else {
    renderProblem(code, `${type}${where} refused${detail}`);
  }
}

/** The hub says the token expires soon: renew it at the issuer and hand the new one to the hub. */
async function onExpiring() {
  const ws = state.ws;
  try {
    await renewToken();
  } catch (e) {
    showError(`could not renew the sign-in: ${e.message}`);
    return;
  }
  if (state.ws === ws && state.session) send('refresh', { token: state.session.token });
}

function onFrame(frame) {
  switch (frame.type) {
    case 'welcome': {
      const data = frame.data || {};
      state.me = { connection: data.connection, name: data.name, user: data.user };
      state.refusals = 0;
      renderIdentity();
      setStatus('connecting', `joining #${state.channel} as ${who()}\u2026`);
      const since = state.last || state.subscribedAt;
      send('subscribe', since ? { channel: state.channel, since } : { channel: state.channel });
      break;
    }
    case 'reply':
      onReply(frame);
      break;
    case 'message':
      if (frame.channel === state.channel && acceptMessage(frame)) appendToLog(buildMessage(frame));
      break;
    case 'join':
    case 'leave':
      onPresenceEvent(frame);
      break;
    case 'presence':
      onPresenceSnapshot(frame);
      break;
    case 'history':
      onHistory(frame);
      break;
    case 'expiring':
      onExpiring();
      break;
    case 'pong':
      break;
    default:
      // Newer hubs may add frame types; ignore what we do not understand.
      break;
  }
}

function onData(event) {
  if (typeof event.data !== 'string') return;
  for (const part of event.data.split('\n')) {
    if (!part.trim()) continue;
    let frame;
    try {
      frame = JSON.parse(part);
    } catch (e) {
      showError('received a malformed frame from the hub');
      continue;
    }
    if (frame && typeof frame === 'object') onFrame(frame);
  }
}

/** Forgets the current connection's state (not the channel view or the tab's channel). */
function resetConnection() {
  state.ws = null;
  state.opened = false;
  state.me = null;
  state.subscribed = false;
  state.pending.clear();
  state.members = new Map();
  state.presenceQuery = null;
  state.bufferedEvents = [];
  state.historyQuery = null;
  renderPresence();
  setComposeEnabled(false);
  renderIdentity();
}

/** Closes the current socket, if any, without reconnecting. */
function disconnect() {
  clearTimeout(state.retryTimer);
  state.retryTimer = null;
  const ws = state.ws;
  if (ws) {
    if (ws.readyState === WebSocket.OPEN) {
      if (state.subscribed) ws.send(JSON.stringify({ type: 'unsubscribe', channel: state.channel }));
      ws.close(1000, 'bye');
    } else if (ws.readyState === WebSocket.CONNECTING) {
      ws.close();
    }
  }
  resetConnection();
}

function scheduleReconnect() {
  const base = BACKOFF_MS[Math.min(state.attempt, BACKOFF_MS.length - 1)];
  state.attempt++;
  const delay = Math.round(base * (0.8 + Math.random() * 0.4));
  state.retryTimer = setTimeout(() => {
    state.retryTimer = null;
    openSocket();
  }, delay);
  return Math.max(1, Math.round(delay / 1000));
}

function onClose(ws, event) {
  if (state.ws !== ws) return; // a socket this tab already let go of
  const opened = state.opened;
  resetConnection();
  if (state.channel === null) return;
  if (event.code === 4003) {
    endSession('the sign-in expired (close 4003): sign in again');
    return;
  }
  if (!opened) {
    // The browser shows a refused handshake (401, 403, 429) only as an error and close 1006.
    state.refusals++;
    state.renewFirst = true;
    if (state.refusals === 1) renderProblem('refused', `${REFUSED}; the hub did not accept the connection`);
    const seconds = scheduleReconnect();
    setStatus('refused', `${REFUSED} \u00b7 retrying in ${seconds} s`);
    return;
  }
  const why = describeClose(event.code, event.reason);
  renderNotice(`connection closed: ${why}`);
  const seconds = scheduleReconnect();
  setStatus('closed', `offline \u00b7 closed ${why} \u00b7 reconnecting in ${seconds} s`);
}

/** Opens a socket for the tab's channel with the tab's token (renewed first when due). */
async function openSocket() {
  const channel = state.channel;
  if (channel === null || state.ws) return;
  if (!state.session) {
    endSession('not signed in');
    return;
  }
  if (state.renewFirst || state.session.expiresAt - Date.now() < RENEW_BEFORE_CONNECT_MS) {
    setStatus('connecting', `renewing the sign-in of ${state.session.name}\u2026`);
    try {
      await renewToken();
      state.renewFirst = false;
    } catch (e) {
      if (e.kind === 'invalid' || state.session.expiresAt <= Date.now()) {
        endSession(`${e.message}: sign in again`);
        return;
      }
      // the issuer is unreachable: try the handshake anyway, it decides
    }
    if (state.channel !== channel || state.ws) return; // left (or joined again) meanwhile
  }
  setStatus('connecting', `connecting as ${state.session.name}\u2026`);
  let ws;
  try {
    ws = new WebSocket(hubUrl(), [PROTOCOL, BEARER_PREFIX + state.session.token]);
  } catch (e) {
    showError(`cannot open WebSocket: ${e.message}`);
    state.channel = null;
    resetConnection();
    setStatus('offline', 'offline');
    return;
  }
  state.ws = ws;
  state.opened = false;
  ws.addEventListener('open', () => {
    if (state.ws === ws) state.opened = true;
  });
  ws.addEventListener('message', (event) => {
    if (state.ws === ws) onData(event);
  });
  ws.addEventListener('close', (event) => onClose(ws, event));
}

function join(channel) {
  if (location.protocol !== 'http:' && location.protocol !== 'https:') {
    showError('open this page from the Switchboard server (http://host/switchboard/) to connect');
    return;
  }
  disconnect();
  resetView();
  state.channel = channel;
  state.attempt = 0;
  state.refusals = 0;
  renderControls();
  openSocket();
}

function leave() {
  if (state.channel === null) return;
  disconnect();
  state.channel = null;
  renderControls();
  setStatus('offline', `signed in as ${who()} \u00b7 offline \u00b7 left the channel`);
}

// ---------------------------------------------------------------- UI events

ui.signinForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const username = ui.username.value.trim();
  const password = ui.password.value;
  if (!username || !password) {
    showError('enter a user name and a password');
    return;
  }
  signIn(username, password);
});

ui.signout.addEventListener('click', () => endSession(null));

ui.joinForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const channel = ui.channel.value.trim();
  if (!state.session) {
    showError('sign in first');
    ui.username.focus();
    return;
  }
  if (!CHANNEL_PATTERN.test(channel)) {
    showError('the channel must be 1\u2013128 characters of letters, digits and . _ : -');
    ui.channel.focus();
    return;
  }
  join(channel);
});

ui.leave.addEventListener('click', leave);

ui.compose.addEventListener('submit', (event) => {
  event.preventDefault();
  const text = ui.text.value;
  if (!text.trim() || !state.subscribed) return;
  if (send('publish', { channel: state.channel, data: { text } }) !== null) {
    ui.text.value = '';
  } else {
    showError('not connected');
  }
});

window.addEventListener('beforeunload', () => {
  const ws = state.ws;
  state.ws = null;
  if (ws && ws.readyState === WebSocket.OPEN) ws.close(1000, 'page closed');
});

// Prefill from ?user=...&channel=... for shareable links (never a password or a token).
{
  const params = new URLSearchParams(location.search);
  if (params.get('user')) ui.username.value = params.get('user');
  if (params.get('channel')) ui.channel.value = params.get('channel');
}
state.session = loadSession();
resetConnection();
setStatus('offline', state.session ? `signed in as ${state.session.name} \u00b7 join a channel` : 'offline \u00b7 sign in to chat');
