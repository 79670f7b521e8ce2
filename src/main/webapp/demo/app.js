// Switchboard chat demo on the client library (client/src/switchboard.js, served at
// /switchboard/client/): the library keeps the connection, reconnects with backoff, resumes the
// channel where this tab left it and queues what is typed while offline; this page signs in, shows
// what happens and renders the conversation. All user-supplied text is rendered with textContent,
// never as HTML.
//
// Sign-in: the demo token issuer (POST demo/token; it exists only where the hub runs with
// switchboard.security.demo-issuer=enabled, i.e. the demo domains) checks a realm user and answers a
// short-lived JWT. The token lives in this tab's memory and sessionStorage only, so two tabs of one
// browser can be two users. The library asks for it (the `token` option) before every connection
// attempt and when the hub warns that it expires; it travels in the WebSocket subprotocol list, never
// in a URL. The issuer is called without cookies (credentials: 'omit'): nothing but the token says
// who this tab is.
//
// ?hub=ws://a/switchboard/ws,ws://b/switchboard/ws gives the library several cluster members to
// try in turn (default: the hub this page came from).

import { Switchboard } from '../client/switchboard.js';

const SESSION_KEY = 'switchboard.demo.session';
const CHANNEL_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;
const ERROR_TTL_MS = 8000;
const MAX_ERRORS = 4;
/** A token is renewed before a connection attempt once less than this (or half its life) is left. */
const RENEW_BEFORE_CONNECT_MS = 90_000;
/** Messages shown from the channel's history when joining it. */
const HISTORY_ON_JOIN = 20;

const CLOSE_REASONS = {
  1000: 'normal closure',
  1001: 'going away: the hub is stopping or being redeployed',
  1006: 'connection lost (refused or dropped without a close frame)',
  1009: 'message too big',
  1011: 'internal server error',
  1012: 'service restart: the hub member is draining; moving to another',
  4001: 'slow consumer: the send queue overflowed',
  4002: 'heartbeat timeout',
  4003: 'token expired',
  4004: 'input timeout',
  4005: 'disconnected by an administrator',
};

const UNRECOVERED = {
  gone: 'some messages sent while this tab was away are no longer in the history',
  unavailable: 'the history cannot be read now: messages sent while this tab was away may be missing',
  'live-only': 'this channel keeps no history: messages sent while this tab was away are missing',
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
  outbox: $('outbox'),
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

/** The hub URLs of ?hub= (comma-separated ws:/wss: URLs), else this page's own hub. */
export function hubUrls(search = location.search, pageUrl = import.meta.url) {
  const given = new URLSearchParams(search).get('hub');
  if (!given) return [hubUrl(pageUrl)];
  const urls = given.split(',').map((s) => s.trim()).filter(Boolean).map((s) => new URL(s));
  const bad = urls.find((u) => u.protocol !== 'ws:' && u.protocol !== 'wss:');
  if (!urls.length || bad) throw new Error(`?hub= must list ws:// or wss:// URLs${bad ? `, not ${bad}` : ''}`);
  return urls.map(String);
}

/** The demo token issuer: /switchboard/demo/token. */
export function issuerUrl(pageUrl = import.meta.url) {
  const url = new URL('token', pageUrl);
  url.search = '';
  url.hash = '';
  return url.toString();
}

const state = {
  session: null,         // {token, expiresAt, obtainedAt, subject, name} from the issuer
  signingIn: false,
  renewing: null,        // the token renewal in progress (a promise)
  renewFirst: false,     // renew before the next attempt (the last handshake failed)
  channel: null,         // the channel this tab has joined (also while reconnecting), or null
  client: null,          // the Switchboard client of this visit to the channel
  sub: null,             // its subscription to the channel
  me: null,              // the welcome of the current connection
  via: null,             // the hub URL of the current (or latest) attempt
  subscribed: false,     // the hub accepted the subscription on the current connection
  subscribedOn: null,    // ... whose connection id is this
  refused: null,         // {code, message}: the hub refused the subscription
  everConnected: false,  // this visit reached the hub at least once
  reportedFailure: false,
  lastClose: null,       // description of the latest lost connection
  nextAttemptAt: null,
  countdown: null,       // interval that refreshes the reconnect countdown
  joinedAt: null,        // {epoch, seq}: the channel's position when this tab joined it
  earlier: null,         // {count, divider}: the history shown on joining
  delivered: new Set(),  // "epoch:seq" of the messages shown, to match acknowledged publications
  members: new Map(),    // connection id -> {name, user}
  presenceQuery: null,   // token of the outstanding presence query
  bufferedEvents: [],    // join/leave events seen while the presence query is outstanding
};

// ---------------------------------------------------------------- status and controls

function setStatus(kind, text) {
  ui.status.dataset.state = kind;
  ui.status.textContent = text;
  if (kind === 'reconnecting' && state.nextAttemptAt !== null) ui.status.dataset.nextAttempt = String(state.nextAttemptAt);
  else delete ui.status.dataset.nextAttempt;
}

function who() {
  if (state.me) return state.me.name || state.me.user || '?';
  return state.session ? state.session.name : '?';
}

function hostOf(url) {
  try {
    return new URL(url).host;
  } catch (e) {
    return String(url);
  }
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
  const writable = joined && state.refused === null && state.client !== null && state.client.state !== 'closed';
  const wasWritable = !ui.send.disabled;
  ui.text.disabled = !writable;
  ui.send.disabled = !writable;
  if (writable && !wasWritable) ui.text.focus();
}

function renderIdentity() {
  const s = state.session;
  if (!s) {
    ui.whoami.textContent = '';
    ui.whoamiDetail.textContent = '';
  } else {
    ui.whoami.textContent = state.me ? state.me.name : s.name;
    const parts = [`user ${state.me && state.me.user ? state.me.user : s.subject}`];
    if (state.me) parts.push(`connection ${state.me.connection}`, `via ${hostOf(state.via)}`);
    parts.push(`token valid until ${formatTime(s.expiresAt)}`);
    ui.whoamiDetail.textContent = `(${parts.join(' \u00b7 ')})`;
  }
  renderControls();
}

function describeClose(code, reason) {
  const known = CLOSE_REASONS[code] || 'closed';
  return reason ? `${code} ${known} (${reason})` : `${code} ${known}`;
}

function pendingNote() {
  const n = ui.outbox.querySelectorAll('.outgoing.pending').length;
  if (!n) return '';
  return n === 1 ? ' \u00b7 1 message waiting to be sent' : ` \u00b7 ${n} messages waiting to be sent`;
}

/** The status line, from the client's connection state and the subscription's. */
function renderStatus() {
  const client = state.client;
  if (!client) return;
  const channel = `#${state.channel}`;
  const pending = pendingNote();
  switch (client.state) {
    case 'connected':
      if (state.refused) {
        const why = state.refused.code === 'forbidden' ? 'not allowed on' : 'could not join';
        setStatus('error', `connected as ${who()} \u00b7 ${why} ${channel} (${state.refused.code})`);
      } else if (state.subscribed) {
        setStatus('connected', `connected as ${who()} \u00b7 ${channel}${pending}`);
      } else {
        setStatus('connecting', `connected as ${who()} \u00b7 joining ${channel}\u2026${pending}`);
      }
      break;
    case 'reconnecting': {
      const at = state.nextAttemptAt;
      const lost = state.lastClose ? ` \u00b7 ${state.lastClose}` : '';
      if (at === null) {
        setStatus('reconnecting', `reconnecting${lost}${pending}`);
      } else {
        const seconds = Math.max(0, Math.ceil((at - Date.now()) / 1000));
        setStatus('reconnecting', `reconnecting \u00b7 next attempt in ${seconds} s (at ${formatTime(at)})${lost}${pending}`);
      }
      break;
    }
    case 'disconnected':
      setStatus('disconnected', `disconnected${state.lastClose ? ` \u00b7 ${state.lastClose}` : ''}${pending}`);
      break;
    case 'closed':
      setStatus('closed', `closed${state.lastClose ? ` \u00b7 ${state.lastClose}` : ''}`);
      break;
    default: // idle, connecting
      setStatus('connecting', `connecting as ${who()}${state.via ? ` to ${hostOf(state.via)}` : ''}\u2026${pending}`);
  }
  if (client.state === 'reconnecting') startCountdown();
  else stopCountdown();
}

function startCountdown() {
  if (state.countdown === null) state.countdown = setInterval(renderStatus, 500);
}

function stopCountdown() {
  clearInterval(state.countdown);
  state.countdown = null;
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
  const obtainedAt = Date.now();
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
  const name = typeof body.name === 'string' ? body.name : subject;
  return { token: body.token, expiresAt: body.expiresAt, obtainedAt, subject, name };
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

function dueForRenewal(session) {
  const life = typeof session.obtainedAt === 'number' ? session.expiresAt - session.obtainedAt : Infinity;
  return session.expiresAt - Date.now() < Math.min(RENEW_BEFORE_CONNECT_MS, life / 2);
}

/**
 * The library's token provider for `client`: called before every connection attempt, and while
 * connected when the hub warns that the token expires (then it always renews). A token the issuer
 * no longer renews ends the sign-in; an unreachable issuer (the hub is down, or this page's member
 * is gone) leaves the current token for the handshake to judge.
 */
async function provideToken(client) {
  const session = state.session;
  if (!session || state.client !== client) return null;
  if (client.state === 'connected' || state.renewFirst || dueForRenewal(session)) {
    try {
      await renewToken();
      state.renewFirst = false;
    } catch (e) {
      if (e.kind === 'invalid' && state.client === client) {
        setTimeout(() => {
          if (state.client === client) endSession(`${e.message}: sign in again`);
        });
      }
    }
  }
  return state.session ? state.session.token : null;
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

/** Appends to the conversation, above the messages still waiting to be sent. */
function appendToLog(el) {
  const log = ui.messages;
  const nearBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
  ui.empty.hidden = true;
  log.insertBefore(el, ui.outbox);
  if (nearBottom) log.scrollTop = log.scrollHeight;
}

function isOwn(from) {
  const me = state.me;
  if (!from) return false;
  if (me && from.connection === me.connection) return true;
  const user = me && me.user ? me.user : state.session && state.session.subject;
  return typeof from.user === 'string' && from.user === user;
}

function metaLine(name, title, ts, own) {
  const meta = document.createElement('div');
  meta.className = 'meta';
  const sender = document.createElement('span');
  sender.className = 'from';
  sender.textContent = name;
  if (title) sender.title = title;
  const when = document.createElement('time');
  when.className = 'time';
  if (typeof ts === 'number') when.dateTime = new Date(ts).toISOString();
  when.textContent = formatTime(ts);
  meta.append(sender, when);
  if (own) {
    const tag = document.createElement('span');
    tag.className = 'you';
    tag.textContent = 'you';
    meta.append(tag);
  }
  return meta;
}

function buildMessage(m) {
  const from = m.from || {};
  const own = isOwn(from);
  const item = document.createElement('div');
  item.className = own ? 'msg own' : 'msg';
  item.dataset.epoch = String(m.epoch);
  item.dataset.seq = String(m.seq);
  const body = document.createElement('div');
  body.className = 'text';
  body.textContent = payloadText(m.data);
  item.append(metaLine(from.name || from.user || 'unknown', from.user ? `user ${from.user}` : '', m.ts, own), body);
  return item;
}

/** Whether a message was in the channel before this tab joined (the recent history). */
function isEarlier(m) {
  const at = state.joinedAt;
  return at === null || (m.epoch === at.epoch && m.seq <= at.seq);
}

function onMessage(m) {
  const item = buildMessage(m);
  if (isEarlier(m)) {
    item.classList.add('earlier');
    showEarlier(item);
  } else {
    appendToLog(item);
  }
  const key = `${m.epoch}:${m.seq}`;
  state.delivered.add(key);
  ui.outbox.querySelectorAll('.outgoing.acknowledged').forEach((el) => {
    if (el.dataset.position === key) el.remove();
  });
  renderStatus();
}

/** History shown on joining goes above everything shown live, under one divider. */
function showEarlier(item) {
  ui.empty.hidden = true;
  if (!state.earlier) {
    const divider = document.createElement('div');
    divider.className = 'notice';
    ui.empty.after(divider);
    state.earlier = { count: 0, divider, last: divider };
  }
  const earlier = state.earlier;
  earlier.last.after(item);
  earlier.last = item;
  earlier.count++;
  earlier.divider.textContent = earlier.count === 1 ? 'one earlier message' : `${earlier.count} earlier messages`;
  ui.messages.scrollTop = ui.messages.scrollHeight;
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

function resetView() {
  ui.messages.querySelectorAll('.msg, .notice').forEach((el) => el.remove());
  ui.outbox.replaceChildren();
  ui.empty.hidden = false;
  state.joinedAt = null;
  state.earlier = null;
  state.delivered = new Set();
}

// ---------------------------------------------------------------- sending (the outbox)

/**
 * Publishes {text}: shown as pending below the conversation until the hub acknowledges it (the
 * library queues it while offline and sends it once connected), then replaced by the message as
 * the channel delivers it; a publication the library gives up on stays, marked with its error.
 */
function send(text) {
  const sub = state.sub;
  const item = document.createElement('div');
  item.className = 'outgoing own pending';
  const body = document.createElement('div');
  body.className = 'text';
  body.textContent = text;
  const tag = document.createElement('span');
  tag.className = 'state';
  tag.textContent = 'sending\u2026';
  item.append(metaLine(who(), '', Date.now(), true), body, tag);
  ui.outbox.append(item);
  ui.empty.hidden = true;
  ui.messages.scrollTop = ui.messages.scrollHeight;
  renderStatus();

  sub.publish({ text }).then(
    (result) => {
      if (state.sub !== sub) return;
      item.classList.replace('pending', 'acknowledged');
      tag.textContent = 'sent';
      const key = result && typeof result.seq === 'number' ? `${result.epoch}:${result.seq}` : null;
      if (key === null || state.delivered.has(key)) item.remove();
      else item.dataset.position = key;
      renderStatus();
    },
    (error) => {
      if (state.sub !== sub) return;
      const code = error && error.code ? String(error.code) : 'error';
      item.classList.replace('pending', 'failed');
      item.dataset.code = code;
      tag.textContent = `not sent: ${code}${error && error.message ? ` \u2014 ${error.message}` : ''}`;
      showError(`message not sent (${code})`);
      renderStatus();
    });
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

function onPresenceEvent(type, member) {
  const known = state.members.has(member.connection);
  applyPresenceEvent(type, member);
  // Replayed on top of the snapshot when the query answers, so nothing that raced it is lost.
  if (state.presenceQuery !== null) state.bufferedEvents.push([type, member]);
  renderPresence();
  const isMe = state.me && member.connection === state.me.connection;
  if (!isMe && type === 'join' && !known) renderNotice(`${memberLabel(toMember(member))} joined`);
  if (!isMe && type === 'leave' && known) renderNotice(`${memberLabel(toMember(member))} left`);
}

function queryPresence(sub) {
  const query = {};
  state.presenceQuery = query;
  state.bufferedEvents = [];
  sub.presence().then(
    (members) => {
      if (state.presenceQuery !== query || state.sub !== sub) return;
      state.members = new Map();
      for (const m of members) {
        if (m && typeof m.connection === 'string') state.members.set(m.connection, toMember(m));
      }
      for (const [type, member] of state.bufferedEvents) applyPresenceEvent(type, member);
      state.bufferedEvents = [];
      state.presenceQuery = null;
      renderPresence();
    },
    (error) => {
      if (state.presenceQuery !== query) return;
      state.presenceQuery = null;
      state.bufferedEvents = [];
      if (error && error.code !== 'closed' && error.code !== 'disconnected') renderProblem(error.code || 'error', `presence query refused \u2014 ${error.message}`);
    });
}

function clearPresence() {
  state.members = new Map();
  state.presenceQuery = null;
  state.bufferedEvents = [];
  renderPresence();
}

// ---------------------------------------------------------------- connection (the library)

function onSubscribed(sub, event) {
  const connection = state.me ? state.me.connection : null;
  if (state.subscribed && state.subscribedOn === connection) return; // `ready` and the event: one subscription
  const first = state.joinedAt === null;
  state.subscribed = true;
  state.subscribedOn = connection;
  state.refused = null;
  if (first) {
    state.joinedAt = typeof event.epoch === 'number' && typeof event.seq === 'number'
      ? { epoch: event.epoch, seq: event.seq } : { epoch: NaN, seq: -1 };
  } else if (event.recovered === false) {
    renderNotice('reconnected; not everything sent meanwhile could be recovered');
  } else {
    renderNotice('reconnected');
  }
  queryPresence(sub);
  renderControls();
  renderStatus();
}

function onSubscriptionError(error) {
  if (state.refused && state.refused.error === error) return;
  const code = error && error.code ? String(error.code) : 'error';
  const detail = error && error.message ? ` \u2014 ${error.message}` : '';
  if (code === 'closed' || code === 'unsubscribed') return;
  if (state.refused && state.refused.code === code && !state.subscribed) return;
  state.subscribed = false;
  state.refused = { code, error };
  renderProblem(code, `subscribe #${state.channel} refused${detail}`);
  renderControls();
  renderStatus();
}

function onDisconnected(event) {
  state.subscribed = false;
  state.me = null;
  clearPresence();
  renderIdentity();
  if (event.wasConnected) {
    state.lastClose = `lost: ${describeClose(event.code, event.reason)}`;
    renderNotice(`connection lost: ${describeClose(event.code, event.reason)}`);
    if (event.code === 4003) state.renewFirst = true;
  } else {
    // A browser shows a refused handshake (401, 403, 429) and an unreachable hub alike: 1006.
    state.renewFirst = true;
    state.lastClose = 'the hub did not accept the connection or cannot be reached';
    if (!state.everConnected && !state.reportedFailure) {
      state.reportedFailure = true;
      renderProblem('unreachable', 'the hub did not accept the connection (not signed in, not allowed from this page) or cannot be reached; retrying');
    }
  }
  renderStatus();
}

/** A client of its own for each visit to a channel; events of a client let go of are ignored. */
function join(channel) {
  if (location.protocol !== 'http:' && location.protocol !== 'https:') {
    showError('open this page from the Switchboard server (http://host/switchboard/) to connect');
    return;
  }
  let urls;
  try {
    urls = hubUrls();
  } catch (e) {
    showError(e.message);
    return;
  }
  disconnect();
  resetView();
  state.channel = channel;
  state.refused = null;
  state.everConnected = false;
  state.reportedFailure = false;
  state.lastClose = null;

  const client = new Switchboard({ url: urls.length === 1 ? urls[0] : urls, token: () => provideToken(client) });
  const mine = (handler) => (event) => {
    if (state.client === client) handler(event);
  };
  state.client = client;
  wire(client, mine);
  client.connect();
  const sub = client.subscribe(channel, { recent: HISTORY_ON_JOIN });
  state.sub = sub;
  const ours = (handler) => (event) => {
    if (state.sub === sub) handler(event);
  };
  sub.on('message', ours(onMessage));
  sub.on('join', ours((m) => onPresenceEvent('join', m)));
  sub.on('leave', ours((m) => onPresenceEvent('leave', m)));
  sub.on('subscribed', ours((e) => onSubscribed(sub, e)));
  sub.on('unrecovered', ours((e) => {
    const reason = UNRECOVERED[e.reason] || `some messages could not be recovered (${e.reason})`;
    renderProblem('unrecovered', reason);
  }));
  sub.on('error', ours(onSubscriptionError));
  sub.ready.then(ours((e) => onSubscribed(sub, e)), ours(onSubscriptionError));
  renderControls();
  renderStatus();
}

function wire(client, mine) {
  client.on('state', mine(() => {
    renderControls();
    renderStatus();
  }));
  client.on('connecting', mine((e) => {
    state.via = e.url;
    renderStatus();
  }));
  client.on('connected', mine((welcome) => {
    state.me = welcome;
    state.everConnected = true;
    state.subscribed = false;
    state.lastClose = null;
    state.nextAttemptAt = null;
    renderIdentity();
    renderStatus();
  }));
  client.on('reconnecting', mine((e) => {
    state.nextAttemptAt = e.at;
    renderStatus();
  }));
  client.on('disconnected', mine(onDisconnected));
  client.on('closed', mine((e) => {
    const why = e.error ? `${e.error.code}: ${e.error.message}` : e.code ? describeClose(e.code, e.reason) : 'closed';
    state.lastClose = why;
    state.subscribed = false;
    state.me = null;
    clearPresence();
    renderIdentity();
    renderProblem(e.error ? String(e.error.code) : 'closed', `the connection ended for good (${why}); join again to reconnect`);
    renderStatus();
  }));
  client.on('error', mine((e) => showError(`${e.code}: ${e.message}`)));
}

/** Lets go of the current client (closing its connection for good) without touching the view. */
function disconnect() {
  const client = state.client;
  state.client = null;
  state.sub = null;
  state.channel = null;
  state.me = null;
  state.subscribed = false;
  state.nextAttemptAt = null;
  stopCountdown();
  clearPresence();
  if (client) client.close();
  renderIdentity();
}

function leave() {
  if (state.channel === null) return;
  disconnect();
  ui.outbox.replaceChildren();
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
  if (!text.trim() || !state.sub || state.refused) return;
  ui.text.value = '';
  send(text);
});

window.addEventListener('beforeunload', () => {
  const client = state.client;
  state.client = null;
  if (client) client.close();
});

// Prefill from ?user=...&channel=... for shareable links (never a password or a token).
{
  const params = new URLSearchParams(location.search);
  if (params.get('user')) ui.username.value = params.get('user');
  if (params.get('channel')) ui.channel.value = params.get('channel');
}
state.session = loadSession();
renderIdentity();
setStatus('offline', state.session ? `signed in as ${state.session.name} \u00b7 join a channel` : 'offline \u00b7 sign in to chat');
