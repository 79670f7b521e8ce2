// Unit tests of src/switchboard.js against a fake WebSocket: no network, no wall-clock waits
// (node:test's mock timers drive setTimeout and Date). The fake lives in this file because
// `node --test test/` would run any .js under test/ (a helper module too) as a test file.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Switchboard, SwitchboardError, backoffDelay } from '../src/switchboard.js';

const T0 = 1_700_000_000_000;
const URL_A = 'ws://hub-a.test/switchboard/ws';
const URL_B = 'ws://hub-b.test/switchboard/ws';
const E = 1_795_430_000_000; // a channel epoch
const E2 = E + 1_000; // a later one

/** A WebSocket the test plays the hub of: it records what the client sends. */
class FakeWebSocket {
  static CONNECTING = 0;
  static OPEN = 1;
  static CLOSING = 2;
  static CLOSED = 3;

  constructor(url, protocols) {
    this.url = url;
    this.protocols = protocols;
    this.readyState = 0;
    /** @type {string[]} */
    this.sent = [];
    /** set when the client closed this socket */
    this.closedByClient = null;
    this.onopen = this.onmessage = this.onclose = this.onerror = null;
  }

  send(text) {
    if (this.readyState !== 1) throw new Error(`send() on a socket in readyState ${this.readyState}`);
    assert.equal(typeof text, 'string', 'the client sends text frames');
    this.sent.push(text);
  }

  close(code, reason) {
    this.closedByClient = { code, reason };
    this.readyState = 3;
  }

  // ---- the hub's side

  open() {
    this.readyState = 1;
    this.onopen?.({});
  }

  /** one frame carrying these envelopes, separated by "\n" as the hub batches them */
  deliver(...envelopes) {
    this.onmessage?.({ data: envelopes.map((e) => JSON.stringify(e)).join('\n') });
  }

  /** the connection ends with this close code */
  drop(code = 1006, reason = '') {
    this.readyState = 3;
    this.onclose?.({ code, reason, wasClean: code !== 1006 });
  }

  get frames() {
    return this.sent.map((s) => JSON.parse(s));
  }

  framesOf(type) {
    return this.frames.filter((f) => f.type === type);
  }

  last(type) {
    const frame = this.framesOf(type).at(-1);
    assert.ok(frame, `the client sent a ${type}`);
    return frame;
  }
}

// ---- envelopes the hub sends

const welcomeData = (extra = {}) => ({
  protocol: 'switchboard.v1', connection: 'c1', name: 'Alice', heartbeatMs: 25000,
  limits: { maxMessageBytes: 65536, maxSubscriptions: 100 }, ...extra,
});
const ok = (request, data = {}) => ({ type: 'reply', id: request.id, data: { ok: true, ...data } });
const refused = (request, code) => ({
  type: 'reply', id: request.id, data: { ok: false, error: { code, message: `${code} (from the test hub)` } },
});
const msg = (channel, epoch, seq) => ({
  type: 'message', channel, epoch, seq, ts: T0 + seq, from: { connection: 'c9', name: 'Bob' }, data: { n: seq },
});
const historyPage = (request, epoch, earliest, latest, messages) => ({
  type: 'history', id: request.id, channel: request.channel, data: { epoch, earliest, latest, messages },
});

// ---- harness

/** lets pending promise callbacks run (setImmediate is not mocked) */
const flush = () => new Promise((resolve) => setImmediate(resolve));

/** observes a promise without leaving a rejection unhandled */
function settle(promise) {
  const s = { state: 'pending', value: undefined, error: undefined };
  promise.then((v) => Object.assign(s, { state: 'resolved', value: v }),
    (e) => Object.assign(s, { state: 'rejected', error: e }));
  return s;
}

/** asserts a SwitchboardError with this code */
function assertError(error, code, retryable) {
  assert.ok(error instanceof SwitchboardError, `a SwitchboardError, got ${error}`);
  assert.ok(error instanceof Error);
  assert.equal(error.code, code);
  if (retryable !== undefined) assert.equal(error.retryable, retryable, `${code} retryable`);
}

const CLIENT_EVENTS = ['state', 'connecting', 'connected', 'reconnecting', 'disconnected', 'closed', 'error'];

/** A client on fake sockets and mocked time; every event it emits is recorded. */
function harness(t, options = {}) {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: T0 });
  /** @type {FakeWebSocket[]} */
  const sockets = [];
  class TestWebSocket extends FakeWebSocket {
    constructor(url, protocols) {
      super(url, protocols);
      sockets.push(this);
    }
  }
  const client = new Switchboard({ url: URL_A, WebSocket: TestWebSocket, random: () => 0.5, ...options });
  const events = [];
  for (const name of CLIENT_EVENTS) client.on(name, (value) => events.push({ name, value }));
  t.after(() => client.close());
  const h = {
    client,
    sockets,
    events,
    /** the latest socket */
    get ws() {
      return sockets.at(-1);
    },
    of: (name) => events.filter((e) => e.name === name).map((e) => e.value),
    tick: (ms) => t.mock.timers.tick(ms),
    /** the hub opens the latest socket and welcomes the client */
    welcome(extra) {
      const ws = sockets.at(-1);
      ws.open();
      ws.deliver({ type: 'welcome', data: welcomeData(extra) });
      return ws;
    },
    async connect(extra) {
      client.connect();
      await flush();
      return h.welcome(extra);
    },
    /** waits exactly until the scheduled reconnect; returns the new (not yet open) socket */
    async nextAttempt() {
      const before = sockets.length;
      assert.equal(client.state, 'reconnecting');
      const wait = client.nextAttemptAt - Date.now();
      if (wait > 0) t.mock.timers.tick(wait);
      await flush();
      assert.equal(sockets.length, before + 1, 'a new connection attempt');
      return sockets.at(-1);
    },
    /** the connection drops; the client reconnects and is welcomed again */
    async reconnect(code = 1006) {
      h.ws.drop(code);
      await h.nextAttempt();
      return h.welcome();
    },
  };
  return h;
}

/** records what a subscription emits */
function listen(sub) {
  const r = { messages: [], unrecovered: [], errors: [], subscribed: [] };
  sub.on('message', (m) => r.messages.push(m));
  sub.on('unrecovered', (e) => r.unrecovered.push(e));
  sub.on('error', (e) => r.errors.push(e));
  sub.on('subscribed', (e) => r.subscribed.push(e));
  r.seqs = () => r.messages.map((m) => m.seq);
  return r;
}

/** a subscription on a connected client, at position {E, seq} */
async function subscribed(h, channel = 'orders', seq = 10) {
  const sub = h.client.subscribe(channel);
  const rec = listen(sub);
  const request = h.ws.last('subscribe');
  assert.equal(request.channel, channel);
  h.ws.deliver(ok(request, { epoch: E, seq }));
  await sub.ready;
  return { sub, rec };
}

// =====================================================================================

describe('connection states', () => {
  test('idle → connecting → connected on the welcome, not on open', async (t) => {
    const h = harness(t);
    assert.equal(h.client.state, 'idle');
    assert.equal(h.client.nextAttemptAt, null);
    await flush();
    assert.equal(h.sockets.length, 0, 'nothing opens before connect()');

    h.client.connect();
    await flush();
    assert.equal(h.client.state, 'connecting');
    assert.equal(h.sockets.length, 1);
    assert.equal(h.ws.url, URL_A);
    assert.deepEqual(h.of('connecting'), [{ attempt: 0, url: URL_A }]);

    h.ws.open();
    assert.equal(h.client.state, 'connecting', 'an open socket is not a connection yet');
    assert.equal(h.client.welcome, null);

    h.ws.deliver({ type: 'welcome', data: welcomeData() });
    assert.equal(h.client.state, 'connected');
    assert.deepEqual(h.client.welcome, welcomeData());
    assert.deepEqual(h.of('connected'), [welcomeData()]);
    assert.deepEqual(h.of('state'), ['connecting', 'connected']);
  });

  test('a dropped connection: disconnected → reconnecting (attempt, delayMs, at) → connecting at nextAttemptAt', async (t) => {
    const h = harness(t);
    await h.connect();
    h.tick(3000);
    h.ws.drop(1011, 'boom');

    assert.deepEqual(h.of('disconnected'), [{ code: 1011, reason: 'boom', wasConnected: true }]);
    const reconnecting = h.of('reconnecting');
    assert.equal(reconnecting.length, 1);
    const [r] = reconnecting;
    assert.equal(r.attempt, 1);
    assert.equal(r.delayMs, 250, 'backoffDelay(0) with random 0.5 and baseMs 500');
    assert.equal(r.at, T0 + 3000 + 250, 'at = now + delayMs');
    assert.equal(r.code, 1011);
    assert.equal(h.client.state, 'reconnecting');
    assert.equal(h.client.nextAttemptAt, r.at);
    assert.equal(h.client.welcome, null);

    h.tick(249);
    await flush();
    assert.equal(h.sockets.length, 1, 'not before nextAttemptAt');
    assert.equal(h.client.state, 'reconnecting');
    h.tick(1);
    await flush();
    assert.equal(h.sockets.length, 2);
    assert.equal(h.client.state, 'connecting');
    assert.equal(h.client.nextAttemptAt, null);
    h.welcome();
    assert.equal(h.client.state, 'connected');
    assert.deepEqual(h.of('state'),
      ['connecting', 'connected', 'disconnected', 'reconnecting', 'connecting', 'connected']);
  });

  test('close() while connected: closed, socket closed, in-flight publish rejects closed, no more attempts', async (t) => {
    const h = harness(t);
    const ws = await h.connect();
    const inFlight = settle(h.client.publish('orders', { n: 1 }));
    assert.equal(ws.framesOf('publish').length, 1);

    h.client.close();
    await flush();
    assert.equal(h.client.state, 'closed');
    assert.equal(h.of('closed').length, 1);
    assert.equal(ws.closedByClient?.code, 1000, 'the socket is closed normally');
    assert.equal(inFlight.state, 'rejected');
    assertError(inFlight.error, 'closed');

    h.tick(10 * 60_000);
    await flush();
    assert.equal(h.sockets.length, 1, 'no attempt after close()');
    assert.equal(h.client.nextAttemptAt, null);
    assert.equal(h.of('reconnecting').length, 0);
    const after = settle(h.client.publish('orders', { n: 2 }));
    await flush();
    assertError(after.error, 'closed');
  });

  test('close() while reconnecting: unanswered and queued publishes reject closed, the retry is cancelled', async (t) => {
    const h = harness(t);
    await h.connect();
    const inFlight = settle(h.client.publish('orders', { n: 1 }));
    h.ws.drop(1006);
    const queued = settle(h.client.publish('orders', { n: 2 }));
    await flush();
    assert.equal(inFlight.state, 'pending', 'an unanswered publish waits for the next connection');
    assert.equal(queued.state, 'pending');
    assert.equal(h.client.state, 'reconnecting');

    h.client.close();
    await flush();
    assert.equal(h.client.state, 'closed');
    assert.equal(h.client.nextAttemptAt, null);
    assertError(inFlight.error, 'closed');
    assertError(queued.error, 'closed');
    h.tick(10 * 60_000);
    await flush();
    assert.equal(h.sockets.length, 1, 'the scheduled attempt was cancelled');
    assert.deepEqual(h.of('state').slice(-1), ['closed']);
  });

  test('close() rejects at once a publish waiting to retry after unavailable; connect() does not revive it', async (t) => {
    const h = harness(t);
    const ws = await h.connect();
    const p = settle(h.client.publish('orders', { n: 1 }));
    ws.deliver(refused(ws.last('publish'), 'unavailable'));
    await flush();
    assert.equal(p.state, 'pending', 'waiting for its retry');
    h.client.close();
    await flush();
    assert.equal(p.state, 'rejected', 'close() ends every pending publication');
    assertError(p.error, 'closed');
    h.client.connect();
    await flush();
    const ws2 = h.welcome();
    h.tick(60_000);
    assert.equal(ws2.framesOf('publish').length, 0, 'not sent on the next connection');
  });

  test('connect() after close() connects again and resumes the subscriptions', async (t) => {
    const h = harness(t);
    await h.connect();
    const { sub } = await subscribed(h, 'orders', 10);
    h.ws.deliver(msg('orders', E, 11));
    h.client.close();
    assert.equal(h.client.state, 'closed');

    h.client.connect();
    await flush();
    assert.equal(h.client.state, 'connecting');
    assert.equal(h.sockets.length, 2);
    const ws = h.welcome();
    assert.equal(h.client.state, 'connected');
    assert.deepEqual(ws.last('subscribe').since, { epoch: E, seq: 11 });
    assert.deepEqual(sub.position, { epoch: E, seq: 11 });
  });
});

// =====================================================================================

describe('backoff', () => {
  test('backoffDelay: full jitter in [minMs, min(capMs, baseMs·2^attempt)), integer, capped', () => {
    const b = { baseMs: 100, capMs: 5000, minMs: 20 };
    for (let attempt = 0; attempt < 40; attempt++) {
      const ceiling = Math.min(b.capMs, b.baseMs * 2 ** attempt);
      for (const r of [0, 0.1, 0.5, 0.9, 0.999999]) {
        const d = backoffDelay(attempt, b, () => r);
        assert.ok(Number.isInteger(d), `integer: ${d}`);
        assert.ok(d >= b.minMs, `attempt ${attempt}, random ${r}: ${d} >= minMs`);
        assert.ok(d < ceiling, `attempt ${attempt}, random ${r}: ${d} < ${ceiling}`);
      }
    }
    assert.equal(backoffDelay(0, b, () => 0), 20, 'never below minMs');
    assert.equal(backoffDelay(0, b, () => 0.5), 50);
    assert.equal(backoffDelay(3, b, () => 0.5), 400, 'base·2^3·random');
    assert.equal(backoffDelay(10, b, () => 0.5), 2500, 'the cap applies');
    assert.equal(backoffDelay(5000, b, () => 0.5), 2500, 'huge attempts do not overflow');
    let calls = 0;
    backoffDelay(2, b, () => (calls++, 0.3));
    assert.equal(calls, 1, 'one random draw per delay');
  });

  test('failed attempts: delays grow with each one, up to the cap', async (t) => {
    const h = harness(t, { backoff: { baseMs: 100, capMs: 1000 }, random: () => 0.999 });
    h.client.connect();
    await flush();
    for (let i = 0; i < 7; i++) {
      h.ws.drop(1006); // refused before it opened
      await h.nextAttempt();
    }
    const r = h.of('reconnecting');
    assert.deepEqual(r.map((e) => e.delayMs), [99, 199, 399, 799, 999, 999, 999]);
    assert.deepEqual(r.map((e) => e.attempt), [1, 2, 3, 4, 5, 6, 7]);
    assert.ok(h.of('disconnected').every((e) => e.wasConnected === false));
  });

  test('the attempt counter resets only after a connection lived stableMs', async (t) => {
    const h = harness(t, { backoff: { baseMs: 100, capMs: 100_000, stableMs: 10_000 } });
    h.client.connect();
    await flush();
    for (let i = 0; i < 3; i++) {
      h.ws.drop(1006);
      await h.nextAttempt();
    }
    // connected, but for less than stableMs
    h.welcome();
    h.tick(9_999);
    h.ws.drop(1006);
    let last = h.of('reconnecting').at(-1);
    assert.equal(last.attempt, 4, 'a short connection does not reset the counter');
    assert.equal(last.delayMs, 400, 'backoffDelay(3)');
    await h.nextAttempt();
    // connected for stableMs
    h.welcome();
    h.tick(10_000);
    h.ws.drop(1006);
    last = h.of('reconnecting').at(-1);
    assert.equal(last.attempt, 1, 'a stable connection resets the counter');
    assert.equal(last.delayMs, 50, 'backoffDelay(0)');
  });

  test('a connection closed right after its welcome, again and again: delays grow (no tight loop)', async (t) => {
    const h = harness(t);
    h.client.connect();
    await flush();
    for (let i = 0; i < 6; i++) {
      h.welcome();
      h.ws.drop(1011);
      await h.nextAttempt();
    }
    assert.deepEqual(h.of('reconnecting').map((e) => e.delayMs), [250, 500, 1000, 2000, 4000, 7500]);
  });

  test('a connection closed 1001 right after its welcome, again and again: delays grow (no tight loop)', async (t) => {
    // 1001/1012 earn a prompt reconnect after a *stable* connection; a member that welcomes and
    // at once goes away must not be hammered every < promptMs forever.
    const h = harness(t);
    h.client.connect();
    await flush();
    for (let i = 0; i < 8; i++) {
      h.welcome();
      h.ws.drop(1001, 'going away');
      await h.nextAttempt();
    }
    const delays = h.of('reconnecting').map((e) => e.delayMs);
    const total = delays.reduce((a, b) => a + b, 0);
    assert.ok(delays.at(-1) >= 2000, `the delay grows after repeated short-lived connections: ${delays}`);
    assert.ok(total >= 10_000, `8 reconnects take more than 10 s in all: ${delays}`);
  });

  test('1012 on a young connection: backoff, but to the next URL (the draining member will not take it back)', async (t) => {
    const h = harness(t, { url: [URL_A, URL_B], backoff: { baseMs: 1000, promptMs: 100 }, random: () => 0.5 });
    await h.connect();
    assert.equal(h.ws.url, URL_A);
    h.tick(2_000); // not stable yet
    h.ws.drop(1012, 'service restart');
    const r = h.of('reconnecting').at(-1);
    assert.ok(r.delayMs >= 100, `backoff, not prompt: ${r.delayMs}`);
    const ws = await h.nextAttempt();
    assert.equal(ws.url, URL_B, 'the next member');
  });

  test('1001 and 1012 after a stable connection: prompt reconnect (< promptMs) to the next URL', async (t) => {
    const h = harness(t, {
      url: [URL_A, URL_B], backoff: { baseMs: 1000, promptMs: 100 }, random: () => 0.999,
    });
    await h.connect();
    assert.equal(h.ws.url, URL_A);
    h.tick(10_000);
    h.ws.drop(1001, 'server stopping');
    let r = h.of('reconnecting').at(-1);
    assert.ok(r.delayMs < 100, `prompt: ${r.delayMs} < promptMs`);
    let ws = await h.nextAttempt();
    assert.equal(ws.url, URL_B, 'the next member');
    h.welcome();
    h.tick(10_000);
    ws.drop(1012, 'restarting');
    r = h.of('reconnecting').at(-1);
    assert.ok(r.delayMs < 100, `prompt: ${r.delayMs} < promptMs`);
    ws = await h.nextAttempt();
    assert.equal(ws.url, URL_A, 'round robin');
    // for contrast: an abnormal close after a stable connection backs off (base 1000 × 0.999)
    h.welcome();
    h.tick(10_000);
    ws.drop(1006);
    assert.equal(h.of('reconnecting').at(-1).delayMs, 999);
  });

  test('4003 (token expired): prompt reconnect, and the token provider is asked again', async (t) => {
    let calls = 0;
    const h = harness(t, {
      token: async () => `tok${++calls}`, backoff: { baseMs: 1000, promptMs: 100 }, random: () => 0.999,
    });
    await h.connect();
    assert.deepEqual(h.ws.protocols, ['switchboard.v1', 'bearer.tok1']);
    h.tick(60_000);
    h.ws.drop(4003, 'token expired');
    const r = h.of('reconnecting').at(-1);
    assert.ok(r.delayMs < 100, `prompt: ${r.delayMs}`);
    const ws = await h.nextAttempt();
    assert.equal(calls, 2);
    assert.deepEqual(ws.protocols, ['switchboard.v1', 'bearer.tok2'], 'the fresh token');
  });

  test('4001 (slow consumer): waits at least baseMs', async (t) => {
    const h = harness(t, { random: () => 0 });
    await h.connect();
    h.tick(60_000);
    h.ws.drop(4001, 'slow consumer');
    const r = h.of('reconnecting').at(-1);
    assert.ok(r.delayMs >= 500, `${r.delayMs} >= baseMs 500`);
  });

  test('a handshake without a welcome within connectTimeoutMs is abandoned and retried', async (t) => {
    const h = harness(t, { connectTimeoutMs: 5000 });
    h.client.connect();
    await flush();
    const ws = h.ws;
    ws.open(); // open, but the hub never says welcome
    h.tick(4999);
    assert.equal(h.client.state, 'connecting');
    assert.equal(ws.closedByClient, null);
    h.tick(1);
    assert.ok(ws.closedByClient, 'the silent socket is closed');
    assert.equal(h.client.state, 'reconnecting');
    assert.deepEqual(h.of('disconnected').map((e) => e.wasConnected), [false]);
    ws.deliver({ type: 'welcome', data: welcomeData() }); // too late
    assert.equal(h.client.state, 'reconnecting', 'a late welcome on the abandoned socket is ignored');
    const next = await h.nextAttempt();
    assert.notEqual(next, ws);
    h.welcome();
    assert.equal(h.client.state, 'connected');
    h.tick(60_000);
    assert.equal(h.client.state, 'connected', 'the timeout does not fire once welcomed');
  });
});

// =====================================================================================

describe('token provider', () => {
  test('called before each attempt; its token follows switchboard.v1 as bearer.<token>', async (t) => {
    let calls = 0;
    const h = harness(t, { token: async () => `tok${++calls}` });
    h.client.connect();
    assert.equal(h.sockets.length, 0, 'the socket waits for the token');
    await flush();
    assert.equal(calls, 1);
    assert.deepEqual(h.ws.protocols, ['switchboard.v1', 'bearer.tok1']);
    h.ws.drop(1006);
    await h.nextAttempt();
    assert.equal(calls, 2);
    assert.deepEqual(h.ws.protocols, ['switchboard.v1', 'bearer.tok2']);
  });

  test('a provider that answers null: only switchboard.v1 is offered', async (t) => {
    const h = harness(t, { token: () => null });
    h.client.connect();
    await flush();
    assert.deepEqual(h.ws.protocols, ['switchboard.v1']);
  });

  // docs/client.md "Credentials": a provider that throws is reported as an error (token_unavailable)
  // and treated like a refused handshake (backoff, asked again); the application calls close() to stop.
  test('a throwing provider: error token_unavailable, no socket, retried with backoff until it gives a token', async (t) => {
    let calls = 0;
    const h = harness(t, {
      token: () => {
        if (++calls <= 2) throw new Error('no session');
        return 'tok3';
      },
    });
    h.client.connect();
    await flush();
    assert.equal(h.sockets.length, 0, 'no socket without a token');
    assert.equal(h.client.state, 'reconnecting');
    const errors = h.of('error');
    assert.equal(errors.length, 1);
    assertError(errors[0], 'token_unavailable', false);
    assert.match(errors[0].message, /no session/);
    assert.deepEqual(h.of('reconnecting').map((e) => e.delayMs), [250], 'backoffDelay(0)');

    h.tick(h.client.nextAttemptAt - Date.now());
    await flush();
    assert.equal(calls, 2);
    assert.equal(h.sockets.length, 0);
    assert.deepEqual(h.of('reconnecting').map((e) => e.delayMs), [250, 500], 'growing');

    h.tick(h.client.nextAttemptAt - Date.now());
    await flush();
    assert.equal(calls, 3);
    assert.deepEqual(h.ws.protocols, ['switchboard.v1', 'bearer.tok3']);
  });

  test('a rejecting async provider on a reconnect: error, retried; close() stops the attempts', async (t) => {
    let calls = 0;
    const h = harness(t, {
      token: async () => {
        if (++calls > 1) throw new Error('logged out');
        return 'tok1';
      },
    });
    await h.connect();
    h.ws.drop(1006);
    h.tick(h.client.nextAttemptAt - Date.now());
    await flush();
    assert.equal(calls, 2);
    assert.equal(h.sockets.length, 1, 'no socket without a token');
    assertError(h.of('error').at(-1), 'token_unavailable');
    assert.equal(h.client.state, 'reconnecting');
    h.client.close();
    h.tick(10 * 60_000);
    await flush();
    assert.equal(calls, 2, 'no attempt after close()');
    assert.equal(h.client.state, 'closed');
  });

  test('expiring: the provider is asked and its token sent in a refresh on the same connection', async (t) => {
    let calls = 0;
    const h = harness(t, { token: async () => `tok${++calls}` });
    const ws = await h.connect({ expiresAt: T0 + 60_000 });
    ws.deliver({ type: 'expiring', data: { expiresAt: T0 + 60_000 } });
    await flush();
    assert.equal(calls, 2);
    const refresh = ws.last('refresh');
    assert.equal(refresh.token, 'tok2');
    assert.ok(refresh.id !== undefined, 'a request with an id');
    ws.deliver(ok(refresh, { expiresAt: T0 + 3_600_000 }));
    await flush();
    assert.equal(h.client.welcome.expiresAt, T0 + 3_600_000);
    assert.equal(h.client.state, 'connected');
    assert.equal(h.sockets.length, 1, 'no reconnect');
  });
});

// =====================================================================================

describe('application ping', () => {
  test('a quiet connection sends {"type":"ping"} after intervalMs of silence; traffic postpones it', async (t) => {
    const h = harness(t, { ping: { intervalMs: 20_000, timeoutMs: 10_000 } });
    const ws = await h.connect();
    h.tick(19_999);
    assert.equal(ws.framesOf('ping').length, 0);
    h.tick(1);
    assert.deepEqual(ws.framesOf('ping'), [{ type: 'ping' }]);

    ws.deliver({ type: 'pong' });
    h.tick(10_000);
    ws.deliver({ type: 'join', channel: 'x', data: { connection: 'c2', name: 'Bob' } });
    h.tick(19_999); // 29 999 ms after the pong, 19 999 after the last frame
    assert.equal(ws.framesOf('ping').length, 1, 'any frame counts as traffic');
    h.tick(1);
    assert.equal(ws.framesOf('ping').length, 2);
  });

  test('any frame received before timeoutMs cancels the deadline', async (t) => {
    const h = harness(t, { ping: { intervalMs: 20_000, timeoutMs: 10_000 } });
    const ws = await h.connect();
    h.tick(20_000);
    assert.equal(ws.framesOf('ping').length, 1);
    h.tick(9_999);
    ws.deliver({ type: 'presence', id: 'x', channel: 'a', data: { members: [] } }); // not even a pong
    h.tick(1);
    h.tick(10_000);
    assert.equal(h.client.state, 'connected');
    assert.equal(ws.closedByClient, null);
    assert.equal(h.of('disconnected').length, 0);
  });

  test('no answer within timeoutMs: disconnected with 4000 and a reconnect scheduled', async (t) => {
    const h = harness(t, { ping: { intervalMs: 20_000, timeoutMs: 10_000 } });
    const ws = await h.connect();
    h.tick(20_000);
    assert.equal(ws.framesOf('ping').length, 1);
    h.tick(9_999);
    assert.equal(h.client.state, 'connected');
    h.tick(1);
    assert.deepEqual(h.of('disconnected').map((e) => [e.code, e.wasConnected]), [[4000, true]]);
    assert.equal(ws.closedByClient?.code, 4000);
    assert.equal(h.client.state, 'reconnecting');
    assert.equal(h.of('reconnecting').at(-1).code, 4000);
    await h.nextAttempt();
    h.welcome();
    assert.equal(h.client.state, 'connected');
  });

  test('no ping storm: one ping per quiet interval, never two outstanding, none on a busy connection', async (t) => {
    const h = harness(t, { ping: { intervalMs: 20_000, timeoutMs: 10_000 } });
    const ws = await h.connect();
    // ten quiet minutes; the hub answers every ping within 100 ms
    let answered = 0;
    for (let elapsed = 0; elapsed < 600_000; elapsed += 100) {
      h.tick(100);
      const pings = ws.framesOf('ping').length;
      if (pings > answered) {
        assert.equal(pings, answered + 1, 'one ping at a time');
        ws.deliver({ type: 'pong' });
        answered = pings;
      }
    }
    assert.ok(answered >= 25 && answered <= 30, `${answered} pings in 10 quiet minutes at a 20 s interval`);
    assert.equal(h.client.state, 'connected');

    // a hub that never answers, timeoutMs longer than intervalMs: a single ping until the timeout
    const h2 = harness2(t, { ping: { intervalMs: 1_000, timeoutMs: 5_000 } });
    const ws2 = await h2.connect();
    h2.tick(1_000);
    h2.tick(3_999);
    assert.equal(ws2.framesOf('ping').length, 1, 'no second ping while one is unanswered');

    // a busy connection: a frame every 5 s for ten minutes, no ping at all
    const h3 = harness2(t, { ping: { intervalMs: 20_000, timeoutMs: 10_000 } });
    const ws3 = await h3.connect();
    for (let i = 0; i < 120; i++) {
      h3.tick(5_000);
      ws3.deliver({ type: 'join', channel: 'x', data: { connection: `c${i}`, name: 'Bob' } });
    }
    assert.equal(ws3.framesOf('ping').length, 0);
  });
});

/** a second client in the same test (mock timers are already enabled) */
function harness2(t, options) {
  const sockets = [];
  class TestWebSocket extends FakeWebSocket {
    constructor(url, protocols) {
      super(url, protocols);
      sockets.push(this);
    }
  }
  const client = new Switchboard({ url: URL_A, WebSocket: TestWebSocket, random: () => 0.5, ...options });
  t.after(() => client.close());
  return {
    client,
    tick: (ms) => t.mock.timers.tick(ms),
    async connect() {
      client.connect();
      await flush();
      const ws = sockets.at(-1);
      ws.open();
      ws.deliver({ type: 'welcome', data: welcomeData() });
      return ws;
    },
  };
}

// =====================================================================================

describe('publish', () => {
  test('resolves with {epoch, seq, duplicate} from the reply', async (t) => {
    const h = harness(t);
    const ws = await h.connect();
    const p1 = h.client.publish('orders', { total: 12 });
    const f1 = ws.last('publish');
    assert.equal(f1.channel, 'orders');
    assert.deepEqual(f1.data, { total: 12 });
    ws.deliver(ok(f1, { epoch: E, seq: 42 }));
    assert.deepEqual(await p1, { epoch: E, seq: 42, duplicate: false });

    const p2 = h.client.publish('orders', { total: 12 });
    ws.deliver(ok(ws.last('publish'), { epoch: E, seq: 42, duplicate: true }));
    assert.deepEqual(await p2, { epoch: E, seq: 42, duplicate: true });
  });

  test('every publish carries a key: a fresh one each time, or the given one', async (t) => {
    const h = harness(t);
    const ws = await h.connect();
    for (let i = 0; i < 3; i++) settle(h.client.publish('orders', i));
    settle(h.client.publish('orders', 'x', { key: 'order-7' }));
    const keys = ws.framesOf('publish').map((f) => f.key);
    assert.equal(keys.length, 4);
    for (const key of keys.slice(0, 3)) {
      assert.equal(typeof key, 'string');
      assert.ok(key.length >= 1 && key.length <= 128, `a valid key: ${key}`);
    }
    assert.equal(new Set(keys.slice(0, 3)).size, 3, 'unique keys');
    assert.equal(keys[3], 'order-7');
    const ids = ws.framesOf('publish').map((f) => f.id);
    assert.equal(new Set(ids).size, 4, 'unique request ids');
  });

  test('refusals reject with a SwitchboardError: forbidden (not retryable), rate_limited (retryable)', async (t) => {
    const h = harness(t);
    const ws = await h.connect();
    const p1 = settle(h.client.publish('secret', 1));
    ws.deliver(refused(ws.last('publish'), 'forbidden'));
    const p2 = settle(h.client.publish('orders', 2));
    ws.deliver(refused(ws.last('publish'), 'rate_limited'));
    await flush();
    assertError(p1.error, 'forbidden', false);
    assert.match(p1.error.message, /from the test hub/);
    assertError(p2.error, 'rate_limited', true);
    h.tick(60_000);
    assert.equal(ws.framesOf('publish').length, 2, 'neither is retried by the client');
  });

  test('unavailable: retried publishRetries times with the same key, then rejects', async (t) => {
    const h = harness(t, { publishRetries: 2 });
    const ws = await h.connect();
    const p = settle(h.client.publish('orders', { n: 1 }));
    const first = ws.last('publish');
    ws.deliver(refused(first, 'unavailable'));
    await flush();
    assert.equal(p.state, 'pending');
    assert.equal(ws.framesOf('publish').length, 1, 'not at once');
    h.tick(60_000);
    assert.equal(ws.framesOf('publish').length, 2, 'retry 1');
    ws.deliver(refused(ws.last('publish'), 'unavailable'));
    h.tick(60_000);
    assert.equal(ws.framesOf('publish').length, 3, 'retry 2');
    ws.deliver(refused(ws.last('publish'), 'unavailable'));
    await flush();
    assertError(p.error, 'unavailable', true);
    h.tick(10 * 60_000);
    const frames = ws.framesOf('publish');
    assert.equal(frames.length, 3, '1 + publishRetries sends');
    assert.ok(frames.every((f) => f.key === first.key), 'the same key every time');
    assert.equal(new Set(frames.map((f) => f.id)).size, 3);
  });

  test('unavailable, then ok on a retry: resolves with that answer', async (t) => {
    const h = harness(t);
    const ws = await h.connect();
    const p = h.client.publish('orders', { n: 1 });
    ws.deliver(refused(ws.last('publish'), 'unavailable'));
    h.tick(60_000);
    ws.deliver(ok(ws.last('publish'), { epoch: E, seq: 5 }));
    assert.deepEqual(await p, { epoch: E, seq: 5, duplicate: false });
  });

  test('offline: queued up to offlineQueue (then queue_full), sent in order after the welcome and the subscribes', async (t) => {
    const h = harness(t, { offlineQueue: 2 });
    h.client.subscribe('orders');
    const p1 = settle(h.client.publish('orders', 'first'));
    const p2 = settle(h.client.publish('orders', 'second'));
    const p3 = settle(h.client.publish('orders', 'third'));
    await flush();
    assertError(p3.error, 'queue_full');
    assert.equal(p1.state, 'pending');

    h.client.connect();
    await flush();
    h.ws.open();
    assert.deepEqual(h.ws.sent, [], 'nothing before the welcome');
    h.ws.deliver({ type: 'welcome', data: welcomeData() });
    const ws = h.ws;
    assert.deepEqual(ws.frames.map((f) => [f.type, f.data]),
      [['subscribe', undefined], ['publish', 'first'], ['publish', 'second']]);
    const [a, b] = ws.framesOf('publish');
    ws.deliver(ok(a, { epoch: E, seq: 1 }), ok(b, { epoch: E, seq: 2 }));
    await flush();
    assert.deepEqual([p1.value?.seq, p2.value?.seq], [1, 2]);

    // and again while reconnecting
    ws.drop(1006);
    const p4 = settle(h.client.publish('orders', 'fourth'));
    await h.nextAttempt();
    const ws2 = h.welcome();
    assert.deepEqual(ws2.frames.map((f) => [f.type, f.data]), [['subscribe', undefined], ['publish', 'fourth']]);
    ws2.deliver(ok(ws2.last('publish'), { epoch: E, seq: 3 }));
    await flush();
    assert.equal(p4.value?.seq, 3);
  });

  test('a publish in flight when the connection drops: re-sent with the same key after reconnect, resolves once', async (t) => {
    const h = harness(t);
    const ws1 = await h.connect();
    let resolutions = 0;
    const p = h.client.publish('orders', { n: 1 }).then((r) => (resolutions++, r));
    const sent = ws1.last('publish');
    ws1.drop(1006);
    ws1.deliver(ok(sent, { epoch: E, seq: 9 })); // a stale answer on the dead socket counts for nothing
    await h.nextAttempt();
    const ws2 = h.welcome();
    const resent = ws2.framesOf('publish');
    assert.equal(resent.length, 1, 'sent once more');
    assert.equal(resent[0].key, sent.key, 'with the same key');
    assert.deepEqual(resent[0].data, { n: 1 });
    ws2.deliver(ok(resent[0], { epoch: E, seq: 9, duplicate: true }));
    assert.deepEqual(await p, { epoch: E, seq: 9, duplicate: true });
    ws2.deliver(ok(resent[0], { epoch: E, seq: 9 })); // a repeated answer changes nothing
    await flush();
    assert.equal(resolutions, 1);
    h.tick(60_000);
    assert.equal(ws2.framesOf('publish').length, 1);
  });

  test('too_big: a publish larger than welcome.limits.maxMessageBytes rejects and is not sent', async (t) => {
    const h = harness(t);
    const ws = await h.connect({ limits: { maxMessageBytes: 200 } });
    const big = settle(h.client.publish('orders', 'x'.repeat(300)));
    await flush();
    assertError(big.error, 'too_big', false);
    assert.equal(ws.framesOf('publish').length, 0);
    settle(h.client.publish('orders', 'small'));
    assert.equal(ws.framesOf('publish').length, 1);
    assert.ok(ws.sent.at(-1).length <= 200);
  });

  test('too_big: a publish queued before the first welcome is checked against its limit, not sent', async (t) => {
    // Sent anyway, the hub closes the connection with 1009; the publication goes back to the queue
    // front and is sent again after every reconnect.
    const h = harness(t);
    const big = settle(h.client.publish('orders', 'x'.repeat(300)));
    const small = settle(h.client.publish('orders', 'small'));
    await h.connect({ limits: { maxMessageBytes: 200 } });
    await flush();
    const sizes = h.ws.sent.filter((s) => JSON.parse(s).type === 'publish').map((s) => Buffer.byteLength(s));
    assert.ok(sizes.every((s) => s <= 200), `no frame over maxMessageBytes is sent: ${sizes}`);
    assert.equal(big.state, 'rejected');
    assertError(big.error, 'too_big');
    assert.equal(h.ws.framesOf('publish').length, 1, 'the small one is sent');
    assert.equal(small.state, 'pending');
  });
});

// =====================================================================================

describe('resume bookkeeping', () => {
  test('subscribe sends subscribe; the reply position becomes the position; ready resolves', async (t) => {
    const h = harness(t);
    const ws = await h.connect();
    const sub = h.client.subscribe('orders');
    assert.equal(h.client.subscription('orders'), sub);
    assert.equal(h.client.subscribe('orders'), sub, 'one subscription per channel');
    const request = ws.last('subscribe');
    assert.equal(request.channel, 'orders');
    assert.equal(request.since, undefined);
    assert.equal(ws.framesOf('subscribe').length, 1);
    assert.equal(sub.position, null);
    ws.deliver(ok(request, { epoch: E, seq: 10 }));
    assert.deepEqual(sub.position, { epoch: E, seq: 10 });
    assert.deepEqual(await sub.ready, { recovered: undefined, resumed: false, epoch: E, seq: 10 });
  });

  test('messages are delivered in order, once, and move the position', async (t) => {
    const h = harness(t);
    const ws = await h.connect();
    const { sub, rec } = await subscribed(h, 'orders', 10);
    ws.deliver(msg('orders', E, 11), msg('orders', E, 12));
    ws.deliver(msg('orders', E, 12)); // a duplicate
    ws.deliver(msg('other', E, 13)); // not subscribed
    assert.deepEqual(rec.seqs(), [11, 12]);
    assert.deepEqual(rec.messages[0], msg('orders', E, 11));
    assert.deepEqual(sub.position, { epoch: E, seq: 12 });
  });

  test('after a reconnect: subscribe since the last delivered position; replay in the reply frame, duplicates dropped', async (t) => {
    const h = harness(t);
    await h.connect();
    const { sub, rec } = await subscribed(h, 'orders', 10);
    h.ws.deliver(msg('orders', E, 11), msg('orders', E, 12));
    const ws = await h.reconnect();
    const request = ws.last('subscribe');
    assert.deepEqual(request.since, { epoch: E, seq: 12 });
    // the reply and the replayed messages in one frame, with an overlap
    ws.deliver(ok(request, { epoch: E, seq: 14, recovered: true }),
      msg('orders', E, 11), msg('orders', E, 12), msg('orders', E, 13), msg('orders', E, 14));
    ws.deliver(msg('orders', E, 15));
    assert.deepEqual(rec.seqs(), [11, 12, 13, 14, 15]);
    assert.deepEqual(sub.position, { epoch: E, seq: 15 });
    assert.deepEqual(rec.subscribed.at(-1), { recovered: true, resumed: true, epoch: E, seq: 14 });
    assert.equal(ws.framesOf('history').length, 0, 'nothing to fetch');
    assert.equal(rec.unrecovered.length, 0);
  });

  test('recovered:false with earliest: unrecovered gone, position = the reply\'s (processed before the live messages in its frame)', async (t) => {
    const h = harness(t);
    await h.connect();
    const { sub, rec } = await subscribed(h, 'orders', 10);
    h.ws.deliver(msg('orders', E, 11), msg('orders', E, 12));
    const ws = await h.reconnect();
    const request = ws.last('subscribe');
    ws.deliver(ok(request, { epoch: E, seq: 2000, recovered: false, earliest: 1500 }), msg('orders', E, 2001));
    await flush();
    assert.equal(rec.unrecovered.length, 1);
    const [u] = rec.unrecovered;
    assert.equal(u.reason, 'gone');
    assert.equal(u.earliest, 1500);
    assert.deepEqual(u.from, { epoch: E, seq: 12 });
    assert.deepEqual(rec.seqs(), [11, 12, 2001]);
    assert.deepEqual(sub.position, { epoch: E, seq: 2001 });
    assert.equal(ws.framesOf('history').length, 0, 'live from the reply\'s position: no gap fetch');
  });

  test('recovered:false without a position: unrecovered unavailable', async (t) => {
    const h = harness(t);
    await h.connect();
    const { sub, rec } = await subscribed(h, 'orders', 10);
    h.ws.deliver(msg('orders', E, 11));
    const ws = await h.reconnect();
    ws.deliver(ok(ws.last('subscribe'), { recovered: false }));
    assert.deepEqual(rec.unrecovered.map((u) => [u.reason, u.from]), [['unavailable', { epoch: E, seq: 11 }]]);
    assert.deepEqual(sub.position, { epoch: E, seq: 11 });
  });

  test('a live-only channel: no since after a reconnect, and an unrecovered live-only', async (t) => {
    const h = harness(t);
    const ws1 = await h.connect();
    const sub = h.client.subscribe('ticker');
    const rec = listen(sub);
    ws1.deliver(ok(ws1.last('subscribe')));
    assert.deepEqual(await sub.ready, { recovered: undefined, resumed: false });
    assert.equal(sub.position, null);
    ws1.deliver(msg('ticker', 7, 1), msg('ticker', 7, 2));
    assert.deepEqual(rec.seqs(), [1, 2]);
    assert.equal(rec.unrecovered.length, 0);

    const ws2 = await h.reconnect();
    const request = ws2.last('subscribe');
    assert.equal(request.since, undefined, 'since means nothing on a live-only channel');
    ws2.deliver(ok(request));
    assert.deepEqual(rec.unrecovered.map((u) => [u.reason, u.from]), [['live-only', { epoch: 7, seq: 2 }]]);
    ws2.deliver(msg('ticker', 9, 1)); // a new numbering session
    assert.deepEqual(rec.seqs(), [1, 2, 1]);
  });

  test('a new epoch is accepted (seq counts on from it); an older epoch is not', async (t) => {
    const h = harness(t);
    const ws = await h.connect();
    const { sub, rec } = await subscribed(h, 'orders', 10);
    ws.deliver(msg('orders', E2, 1), msg('orders', E2, 2), msg('orders', E, 11));
    assert.deepEqual(rec.messages.map((m) => [m.epoch, m.seq]), [[E2, 1], [E2, 2]]);
    assert.deepEqual(sub.position, { epoch: E2, seq: 2 });
    assert.equal(ws.framesOf('history').length, 0, 'a new epoch is not a gap');
  });

  test('a gap in an epoch: history after the position; held live messages follow the fetched ones, in order, once', async (t) => {
    const h = harness(t);
    const ws = await h.connect();
    const { sub, rec } = await subscribed(h, 'orders', 10);
    ws.deliver(msg('orders', E, 14));
    const request = ws.last('history');
    assert.equal(request.channel, 'orders');
    assert.deepEqual(request.after, { epoch: E, seq: 10 });
    assert.ok(request.limit >= 3, `limit covers the gap: ${request.limit}`);
    assert.deepEqual(rec.seqs(), [], 'held while the gap is fetched');
    ws.deliver(msg('orders', E, 15));
    // the answer, and a live message behind it in the same frame
    ws.deliver(historyPage(request, E, 1, 15, [msg('orders', E, 11), msg('orders', E, 12), msg('orders', E, 13)]),
      msg('orders', E, 16));
    await flush();
    ws.deliver(msg('orders', E, 17));
    assert.deepEqual(rec.seqs(), [11, 12, 13, 14, 15, 16, 17]);
    assert.deepEqual(sub.position, { epoch: E, seq: 17 });
    assert.equal(ws.framesOf('history').length, 1);
    assert.equal(rec.unrecovered.length, 0);
  });

  test('a gap fetch answered no_history: one unrecovered, the held messages delivered', async (t) => {
    const h = harness(t);
    const ws = await h.connect();
    const { sub, rec } = await subscribed(h, 'orders', 10);
    ws.deliver(msg('orders', E, 14), msg('orders', E, 15));
    ws.deliver(refused(ws.last('history'), 'no_history'));
    await flush();
    assert.deepEqual(rec.seqs(), [14, 15]);
    assert.deepEqual(sub.position, { epoch: E, seq: 15 });
    assert.equal(ws.framesOf('history').length, 1);
    assert.equal(rec.unrecovered.length, 1, `one gap, one event: ${JSON.stringify(rec.unrecovered)}`);
    assert.deepEqual(rec.unrecovered[0].from, { epoch: E, seq: 10 });
  });

  test('a gap fetch answered unavailable: one unrecovered unavailable, the held messages delivered', async (t) => {
    const h = harness(t);
    const ws = await h.connect();
    const { sub, rec } = await subscribed(h, 'orders', 10);
    ws.deliver(msg('orders', E, 14), msg('orders', E, 15));
    ws.deliver(refused(ws.last('history'), 'unavailable'));
    await flush();
    assert.equal(ws.framesOf('history').length, 1, 'no second history request for the same gap');
    assert.deepEqual(rec.unrecovered.map((u) => u.reason), ['unavailable']);
    assert.deepEqual(rec.seqs(), [14, 15]);
    assert.deepEqual(sub.position, { epoch: E, seq: 15 });
  });

  test('a gap history no longer holds: one unrecovered gone, the held messages delivered', async (t) => {
    const h = harness(t);
    const ws = await h.connect();
    const { sub, rec } = await subscribed(h, 'orders', 10);
    ws.deliver(msg('orders', E, 14), msg('orders', E, 15));
    const request = ws.last('history');
    ws.deliver(historyPage(request, E, 14, 15, [])); // retention already dropped 11..13
    await flush();
    assert.equal(ws.framesOf('history').length, 1, 'no second history request for the same gap');
    assert.deepEqual(rec.unrecovered.map((u) => [u.reason, u.earliest]), [['gone', 14]]);
    assert.deepEqual(rec.seqs(), [14, 15]);
    assert.deepEqual(sub.position, { epoch: E, seq: 15 });
  });

  test('subscribe with recent: N: history (limit N) first, those messages, then subscribe since the last one', async (t) => {
    const h = harness(t);
    const ws = await h.connect();
    const sub = h.client.subscribe('news', { recent: 3 });
    const rec = listen(sub);
    assert.equal(ws.framesOf('subscribe').length, 0, 'not before the history');
    const request = ws.last('history');
    assert.equal(request.channel, 'news');
    assert.equal(request.limit, 3);
    assert.equal(request.after, undefined);
    assert.equal(request.before, undefined);
    ws.deliver(historyPage(request, E, 1, 9, [msg('news', E, 7), msg('news', E, 8), msg('news', E, 9)]));
    await flush();
    assert.deepEqual(rec.seqs(), [7, 8, 9]);
    const subscribe = ws.last('subscribe');
    assert.deepEqual(subscribe.since, { epoch: E, seq: 9 });
    ws.deliver(ok(subscribe, { epoch: E, seq: 10, recovered: true }), msg('news', E, 10));
    await sub.ready;
    assert.deepEqual(rec.seqs(), [7, 8, 9, 10]);
    assert.deepEqual(sub.position, { epoch: E, seq: 10 });
  });

  test('a subscribe refused forbidden: error event, ready rejects, not subscribed again after a reconnect', async (t) => {
    const h = harness(t);
    const ws = await h.connect();
    const other = h.client.subscribe('orders');
    ws.deliver(ok(ws.last('subscribe'), { epoch: E, seq: 1 }));
    const sub = h.client.subscribe('secret');
    const rec = listen(sub);
    const ready = settle(sub.ready);
    ws.deliver(refused(ws.last('subscribe'), 'forbidden'));
    await flush();
    assert.equal(rec.errors.length, 1);
    assertError(rec.errors[0], 'forbidden', false);
    assertError(ready.error, 'forbidden');
    assert.equal(h.client.subscription('secret'), undefined);
    assert.equal(h.client.state, 'connected', 'the connection stays usable');

    const ws2 = await h.reconnect();
    assert.deepEqual(ws2.framesOf('subscribe').map((f) => f.channel), ['orders']);
    assert.equal(h.client.subscription('orders'), other);
  });

  test('a subscription made offline subscribes after the welcome, with since when given', async (t) => {
    const h = harness(t);
    const sub = h.client.subscribe('orders', { since: { epoch: E, seq: 5 } });
    const rec = listen(sub);
    const ws = await h.connect();
    const request = ws.last('subscribe');
    assert.deepEqual(request.since, { epoch: E, seq: 5 });
    ws.deliver(ok(request, { epoch: E, seq: 7, recovered: true }), msg('orders', E, 6), msg('orders', E, 7));
    assert.deepEqual(await sub.ready, { recovered: true, resumed: false, epoch: E, seq: 7 });
    assert.deepEqual(rec.seqs(), [6, 7]);
  });
});

// =====================================================================================

describe('unsubscribe, presence, history', () => {
  test('unsubscribe sends unsubscribe and stops deliveries, also after a reconnect', async (t) => {
    const h = harness(t);
    const ws = await h.connect();
    const { sub, rec } = await subscribed(h, 'orders', 10);
    ws.deliver(msg('orders', E, 11));
    const done = settle(sub.unsubscribe());
    const request = ws.last('unsubscribe');
    assert.equal(request.channel, 'orders');
    ws.deliver(msg('orders', E, 12)); // crossed the unsubscribe
    ws.deliver(ok(request));
    await flush();
    assert.equal(done.state, 'resolved');
    ws.deliver(msg('orders', E, 13));
    assert.deepEqual(rec.seqs(), [11]);
    assert.equal(h.client.subscription('orders'), undefined);
    const ws2 = await h.reconnect();
    assert.equal(ws2.framesOf('subscribe').length, 0);
  });

  test('presence() and history() resolve with the answers', async (t) => {
    const h = harness(t);
    const ws = await h.connect();
    const members = [{ connection: 'c1', name: 'Alice', user: 'alice' }, { connection: 'c2', name: 'Bob' }];
    const p = h.client.presence('lobby');
    const pr = ws.last('presence');
    assert.equal(pr.channel, 'lobby');
    ws.deliver({ type: 'presence', id: pr.id, channel: 'lobby', data: { members } });
    assert.deepEqual(await p, members);

    const q = h.client.history('orders', { before: { epoch: E, seq: 20 }, limit: 2 });
    const hr = ws.last('history');
    assert.deepEqual([hr.channel, hr.before, hr.limit], ['orders', { epoch: E, seq: 20 }, 2]);
    const page = { epoch: E, earliest: 1, latest: 57, messages: [msg('orders', E, 18), msg('orders', E, 19)] };
    ws.deliver({ type: 'history', id: hr.id, channel: 'orders', data: page });
    assert.deepEqual(await q, page);

    const refusedPresence = settle(h.client.presence('secret'));
    ws.deliver(refused(ws.last('presence'), 'forbidden'));
    await flush();
    assertError(refusedPresence.error, 'forbidden');
  });

  test('presence() and history() reject with disconnected when offline or when the connection drops', async (t) => {
    const h = harness(t);
    const before = [settle(h.client.presence('lobby')), settle(h.client.history('lobby'))];
    const ws = await h.connect();
    const inFlight = [settle(h.client.presence('lobby')), settle(h.client.history('lobby'))];
    ws.drop(1006);
    const reconnecting = [settle(h.client.presence('lobby')), settle(h.client.history('lobby'))];
    await flush();
    for (const s of [...before, ...inFlight, ...reconnecting]) {
      assert.equal(s.state, 'rejected');
      assertError(s.error, 'disconnected', true);
    }
  });
});

// =====================================================================================

describe('documented defaults (docs/client.md)', () => {
  test('backoff "up to 0.5 s, 1 s, 2 s, 4 s, 8 s, then 15 s"; connectTimeoutMs 15000', async (t) => {
    const h = harness(t, { random: () => 0.999 });
    h.client.connect();
    await flush();
    for (let i = 0; i < 7; i++) {
      h.ws.drop(1006);
      await h.nextAttempt();
    }
    assert.deepEqual(h.of('reconnecting').map((e) => e.delayMs), [499, 999, 1998, 3996, 7992, 14985, 14985]);
    h.ws.open();
    h.tick(14_999);
    assert.equal(h.client.state, 'connecting');
    h.tick(1);
    assert.equal(h.client.state, 'reconnecting', 'no welcome within 15 s');
  });
});
