// The admin page: the hub's admin REST API (/api/admin, role switchboard-admin) with this page's
// session, and a live view of one channel through the hub's own WebSocket and client library.
import { Switchboard } from '../client/switchboard.js';

const API = new URL('../api/admin/', import.meta.url);
const TAIL_MAX = 500;
const $ = (id) => document.getElementById(id);

async function api(method, path, body) {
  const response = await fetch(new URL(path, API), {
    method,
    credentials: 'same-origin',
    headers: { 'X-Requested-With': 'switchboard', ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  const json = text ? JSON.parse(text) : {};
  if (!response.ok) {
    const error = json.error || {};
    throw new Error(`${response.status} ${error.code || ''} ${error.message || ''}`.trim());
  }
  return json;
}

function showError(error) {
  $('error').hidden = !error;
  $('error').textContent = error ? String(error.message || error) : '';
}

function cell(text) {
  const td = document.createElement('td');
  td.textContent = text;
  return td;
}

function age(openedAt) {
  const s = Math.max(0, Math.round((Date.now() - openedAt) / 1000));
  return s < 120 ? `${s} s` : `${Math.round(s / 60)} min`;
}

async function refreshMember() {
  const m = await api('GET', 'member');
  $('member').textContent = `member ${m.member} · ${m.connections} connections · ${m.channels} channels · `
    + `${m.published} published · ${m.delivered} delivered · ${m.slowConsumerCloses} slow-consumer closes · `
    + `bus ${m.busReady ? 'ready' : 'DOWN'}${m.draining ? ' · DRAINING' : ''}`;
  $('member').dataset.draining = String(m.draining);
}

async function refreshConnections() {
  const q = $('search').value.trim();
  const { connections } = await api('GET', `connections?q=${encodeURIComponent(q)}`);
  const body = $('connections').tBodies[0];
  body.replaceChildren(...connections.map((c) => {
    const row = document.createElement('tr');
    row.dataset.connection = c.id;
    row.dataset.subject = c.subject || '';
    const button = document.createElement('button');
    button.textContent = 'Disconnect';
    button.className = 'disconnect';
    button.addEventListener('click', () => act(() => api('DELETE', `connections/${encodeURIComponent(c.id)}`)));
    const actions = document.createElement('td');
    actions.append(button);
    row.append(cell(c.id), cell(c.subject || ''), cell(c.name), cell(c.address || ''), cell(c.channels.join(', ')),
      cell(String(c.queued)), cell(age(c.openedAt)), actions);
    return row;
  }));
  $('disconnect-subject').disabled = q === '';
}

async function refreshMembers() {
  const { members } = await api('GET', 'members');
  $('members').tBodies[0].replaceChildren(...members.map((m) => {
    const row = document.createElement('tr');
    row.append(cell(m.member), cell(String(m.connections)), cell(m.draining ? 'draining' : 'serving'));
    return row;
  }));
}

/** channel -> {seq, at} of the previous refresh: the message rate is the change of the last seq over time */
const seen = new Map();

function rate(c) {
  if (typeof c.lastSeq !== 'number') return 'live-only';
  const now = Date.now();
  const before = seen.get(c.channel);
  seen.set(c.channel, { epoch: c.epoch, seq: c.lastSeq, at: now });
  if (!before || before.epoch !== c.epoch || now <= before.at) return '…';
  return ((c.lastSeq - before.seq) * 1000 / (now - before.at)).toFixed(1);
}

async function refreshChannels() {
  const { channels } = await api('GET', 'channels');
  $('channels').tBodies[0].replaceChildren(...channels.map((c) => {
    const row = document.createElement('tr');
    const position = typeof c.lastSeq === 'number' ? `${c.epoch}/${c.lastSeq}` : 'live-only';
    row.append(cell(c.channel), cell(String(c.subscribers)), cell(String(c.clusterSubscribers)), cell(position),
      cell(rate(c)), cell(typeof c.stored === 'number' ? String(c.stored) : ''));
    return row;
  }));
}

async function refresh() {
  try {
    await Promise.all([refreshMember(), refreshMembers(), refreshConnections(), refreshChannels()]);
    showError(null);
  } catch (e) {
    showError(e);
  }
}

async function act(action) {
  try {
    await action();
    showError(null);
  } catch (e) {
    showError(e);
  }
  await refresh();
}

$('search-form').addEventListener('submit', (e) => {
  e.preventDefault();
  refresh();
});
$('disconnect-subject').addEventListener('click', () =>
  act(() => api('POST', `subjects/${encodeURIComponent($('search').value.trim())}/disconnect`)));
$('system-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const channel = $('system-channel').value.trim();
  act(async () => {
    const r = await api('POST', `channels/${encodeURIComponent(channel)}/system-messages`, { data: { text: $('system-text').value } });
    $('system-result').textContent = `sent to ${channel} at seq ${r.seq}`;
  });
});
$('drain').addEventListener('click', () => act(async () => {
  const r = await api('POST', 'drain');
  $('system-result').textContent = `draining: ${r.told} clients told over ${r.windowMs} ms`;
}));
$('undrain').addEventListener('click', () => act(() => api('DELETE', 'drain')));

// the live view: this page's own connection to the hub, signed in with its session
let hub = null;
let watching = null;
let paused = false;

function tailLine(text) {
  if (paused) return;
  const list = $('tail');
  const item = document.createElement('li');
  item.textContent = text;
  list.append(item);
  while (list.children.length > TAIL_MAX) list.firstElementChild.remove();
  list.scrollTop = list.scrollHeight;
}

$('tail-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const channel = $('tail-channel').value.trim();
  if (!hub) {
    hub = new Switchboard({});
    hub.on('state', (s) => { $('tail-state').textContent = s; });
    hub.connect();
  }
  if (watching) watching.unsubscribe();
  $('tail').replaceChildren();
  watching = hub.subscribe(channel, { recent: 20 });
  watching.on('message', (m) => tailLine(`#${m.seq} ${new Date(m.ts).toISOString()} ${m.from && m.from.name} (${m.from && m.from.connection}) ${JSON.stringify(m.data)}`));
  watching.on('join', (m) => tailLine(`join ${m.name} (${m.connection})`));
  watching.on('leave', (m) => tailLine(`leave ${m.name} (${m.connection})`));
  watching.on('unrecovered', (u) => tailLine(`gap: ${u.reason}`));
  watching.on('error', (err) => tailLine(`error: ${err.code} ${err.message}`));
  $('tail-pause').disabled = false;
});
$('tail-pause').addEventListener('click', () => {
  paused = !paused;
  $('tail-pause').textContent = paused ? 'Resume' : 'Pause';
});

refresh();
setInterval(refresh, 2000);
