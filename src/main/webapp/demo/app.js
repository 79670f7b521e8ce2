// Switchboard chat demo: a plain ES module speaking the switchboard.v1 protocol (docs/protocol.md).
// All user-supplied text is rendered with textContent, never as HTML.

const PROTOCOL = 'switchboard.v1';
const CHANNEL_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;
const ERROR_TTL_MS = 8000;
const MAX_ERRORS = 4;

const CLOSE_REASONS = {
  1000: 'normal closure',
  1001: 'going away: the hub is stopping or being redeployed, reconnect later',
  1006: 'connection lost (refused or dropped without a close frame)',
  1009: 'message too big',
  1011: 'internal server error',
  4001: 'slow consumer: the send queue overflowed',
  4002: 'heartbeat timeout',
};

const $ = (id) => document.getElementById(id);
const ui = {
  joinForm: $('join-form'),
  name: $('name'),
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

/** The hub endpoint, resolved next to the page's context root: /switchboard/demo/app.js -> /switchboard/ws. */
export function hubUrl(name, pageUrl = import.meta.url) {
  const url = new URL('../ws', pageUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.search = '';
  url.hash = '';
  if (name) url.searchParams.set('name', name);
  return url.toString();
}

const state = {
  ws: null,
  me: null,              // {connection, name} from the welcome frame
  channel: null,
  subscribed: false,
  nextId: 1,
  pending: new Map(),    // request id -> {type, channel}
  members: new Map(),    // connection id -> name
  presenceQuery: null,   // id of the outstanding presence query
  bufferedEvents: [],    // join/leave events seen while the presence query is outstanding
  leaving: false,
};

// ---------------------------------------------------------------- status

function setStatus(kind, text) {
  ui.status.dataset.state = kind;
  ui.status.textContent = text;
}

function setFormState(connectedOrConnecting) {
  ui.name.disabled = connectedOrConnecting;
  ui.channel.disabled = connectedOrConnecting;
  ui.join.disabled = connectedOrConnecting;
  ui.leave.disabled = !connectedOrConnecting;
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

function renderMessage(frame) {
  const from = frame.from || {};
  const own = state.me && from.connection === state.me.connection;
  const item = document.createElement('div');
  item.className = own ? 'msg own' : 'msg';
  if (frame.seq !== undefined) item.dataset.seq = String(frame.seq);

  const meta = document.createElement('div');
  meta.className = 'meta';
  const who = document.createElement('span');
  who.className = 'from';
  who.textContent = from.name || 'unknown';
  const when = document.createElement('time');
  when.className = 'time';
  if (typeof frame.ts === 'number') when.dateTime = new Date(frame.ts).toISOString();
  when.textContent = formatTime(frame.ts);
  meta.append(who, when);
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
  appendToLog(item);
}

function renderNotice(text) {
  const item = document.createElement('div');
  item.className = 'notice';
  item.textContent = text;
  appendToLog(item);
}

function clearMessages() {
  ui.messages.querySelectorAll('.msg, .notice').forEach((el) => el.remove());
  ui.empty.hidden = false;
}

// ---------------------------------------------------------------- presence

function renderPresence() {
  const entries = [...state.members.entries()]
    .sort((a, b) => a[1].localeCompare(b[1]) || a[0].localeCompare(b[0]));
  const items = entries.map(([connection, name]) => {
    const li = document.createElement('li');
    li.dataset.connection = connection;
    li.textContent = name;
    if (state.me && connection === state.me.connection) li.classList.add('me');
    li.title = `connection ${connection}`;
    return li;
  });
  ui.presence.replaceChildren(...items);
  ui.presenceCount.textContent = String(entries.length);
}

function applyPresenceEvent(type, member) {
  if (!member || typeof member.connection !== 'string') return;
  if (type === 'join') state.members.set(member.connection, member.name || member.connection);
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
  if (!isMe && frame.type === 'join' && !known) renderNotice(`${member.name} joined`);
  if (!isMe && frame.type === 'leave' && known) renderNotice(`${member.name} left`);
}

function onPresenceSnapshot(frame) {
  if (frame.id !== undefined && frame.id !== state.presenceQuery) return;
  if (frame.channel !== state.channel) return;
  const members = (frame.data && Array.isArray(frame.data.members)) ? frame.data.members : [];
  state.members = new Map();
  for (const m of members) {
    if (m && typeof m.connection === 'string') state.members.set(m.connection, m.name || m.connection);
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

function onReply(frame) {
  const request = frame.id !== undefined ? state.pending.get(frame.id) : undefined;
  if (frame.id !== undefined) state.pending.delete(frame.id);
  const data = frame.data || {};
  if (data.ok) {
    if (request && request.type === 'subscribe' && request.channel === state.channel) {
      state.subscribed = true;
      setStatus('connected', `connected as ${state.me ? state.me.name : '?'} \u00b7 #${state.channel}`);
      setComposeEnabled(true);
      state.presenceQuery = send('presence', { channel: state.channel });
      state.bufferedEvents = [];
    }
    return;
  }
  const error = data.error || {};
  const what = request ? `${request.type} failed` : 'request failed';
  showError(`${what}: ${error.code || 'error'}${error.message ? ` \u2014 ${error.message}` : ''}`);
  if (request && request.type === 'subscribe') {
    setStatus('error', `connected as ${state.me ? state.me.name : '?'} \u00b7 not subscribed (${error.code || 'error'})`);
  }
}

function onFrame(frame) {
  switch (frame.type) {
    case 'welcome': {
      const data = frame.data || {};
      state.me = { connection: data.connection, name: data.name };
      setStatus('connecting', `joining #${state.channel} as ${data.name}\u2026`);
      send('subscribe', { channel: state.channel });
      break;
    }
    case 'reply':
      onReply(frame);
      break;
    case 'message':
      if (frame.channel === state.channel) renderMessage(frame);
      break;
    case 'join':
    case 'leave':
      onPresenceEvent(frame);
      break;
    case 'presence':
      onPresenceSnapshot(frame);
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

function resetSession() {
  state.ws = null;
  state.me = null;
  state.subscribed = false;
  state.pending.clear();
  state.members = new Map();
  state.presenceQuery = null;
  state.bufferedEvents = [];
  renderPresence();
  setComposeEnabled(false);
  setFormState(false);
}

function connect(name, channel) {
  if (location.protocol !== 'http:' && location.protocol !== 'https:') {
    showError('open this page from the Switchboard server (http://host/switchboard/) to connect');
    return;
  }
  state.channel = channel;
  state.leaving = false;
  clearMessages();
  setFormState(true);
  setStatus('connecting', `connecting as ${name}\u2026`);

  let ws;
  try {
    ws = new WebSocket(hubUrl(name), PROTOCOL);
  } catch (e) {
    showError(`cannot open WebSocket: ${e.message}`);
    resetSession();
    setStatus('offline', 'offline');
    return;
  }
  state.ws = ws;
  let opened = false;

  ws.addEventListener('open', () => {
    opened = true;
  });
  ws.addEventListener('message', onData);
  ws.addEventListener('close', (event) => {
    if (state.ws !== ws) return;
    const leaving = state.leaving;
    resetSession();
    if (leaving && event.code === 1000) {
      setStatus('offline', 'offline \u00b7 left the channel');
    } else if (!opened) {
      setStatus('closed', `offline \u00b7 could not connect (${event.code}): the hub refused the handshake or is unreachable`);
    } else {
      setStatus('closed', `offline \u00b7 closed ${describeClose(event.code, event.reason)}`);
      if (event.code !== 1000) showError(`connection closed: ${describeClose(event.code, event.reason)}`);
    }
  });
}

function leave() {
  const ws = state.ws;
  if (!ws) return;
  state.leaving = true;
  if (ws.readyState === WebSocket.OPEN) {
    if (state.subscribed) send('unsubscribe', { channel: state.channel });
    ws.close(1000, 'bye');
  } else {
    ws.close();
  }
  setStatus('closing', 'leaving\u2026');
}

// ---------------------------------------------------------------- UI events

ui.joinForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const name = ui.name.value.trim();
  const channel = ui.channel.value.trim();
  if (!name) {
    showError('pick a name first');
    ui.name.focus();
    return;
  }
  if (name.length > 64) {
    showError('the name may have at most 64 characters');
    return;
  }
  if (!CHANNEL_PATTERN.test(channel)) {
    showError('the channel must be 1\u2013128 characters of letters, digits and . _ : -');
    ui.channel.focus();
    return;
  }
  connect(name, channel);
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
  if (state.ws) {
    state.leaving = true;
    state.ws.close(1000, 'page closed');
  }
});

// Prefill from ?name=...&channel=... for shareable links.
{
  const params = new URLSearchParams(location.search);
  if (params.get('name')) ui.name.value = params.get('name');
  if (params.get('channel')) ui.channel.value = params.get('channel');
}
resetSession();
setStatus('offline', 'offline');
