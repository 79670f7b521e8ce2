// Switchboard client: a dependency-free ES module for browsers and Node (docs/client.md).
// It speaks switchboard.v1 (docs/protocol.md) and adds what every application would otherwise
// write itself: reconnect with backoff and jitter, an application ping, resume of every
// subscription from its last position, a bounded offline queue with idempotency keys, and typed
// errors. It never delivers a message twice or out of order, and it says which gaps it could not fill.

const PROTOCOL = 'switchboard.v1';
const BEARER = 'bearer.';

/** Close codes after which the client reconnects at once (with a little jitter), to any member. */
const PROMPT_CODES = new Set([1001, 1012, 4003]);
/** Error codes where the same call, retried later with the same key, can succeed. */
const RETRYABLE = new Set(['unavailable', 'rate_limited', 'timeout', 'disconnected']);

const DEFAULTS = {
  backoff: { baseMs: 500, capMs: 15000, promptMs: 1000, stableMs: 10000, minMs: 50 },
  ping: { intervalMs: 20000, timeoutMs: 10000 },
  connectTimeoutMs: 15000,
  offlineQueue: 100,
  publishRetries: 3,
  historyPage: 100,
};

/**
 * @typedef {{epoch: number, seq: number}} Position
 * @typedef {{connection: string, name: string, user?: string}} Member
 * @typedef {{channel: string, epoch: number, seq: number, ts: number, from?: Member, data: unknown}} Message
 * @typedef {{epoch: number, earliest: number, latest: number, messages: Message[]}} HistoryPage
 * @typedef {{epoch?: number, seq?: number, duplicate: boolean}} PublishResult
 * @typedef {{type: string, id?: string, channel?: string, data?: any, [k: string]: any}} Envelope
 * @typedef {{channel: string, data: unknown, key: string, retries: number,
 *            resolve: (r: PublishResult) => void, reject: (e: SwitchboardError) => void}} Publication
 * @typedef {{resolve: (f: Envelope) => void, reject: (e: SwitchboardError) => void, publication?: Publication}} Pending
 */

/** An error the hub answered (its protocol code) or the client raised (`queue_full`, `too_big`, …). */
export class SwitchboardError extends Error {
  /**
   * @param {string} code
   * @param {string} [message]
   */
  constructor(code, message) {
    super(message ? `${code}: ${message}` : code);
    this.name = 'SwitchboardError';
    /** @readonly */
    this.code = code;
    /** @readonly */
    this.retryable = RETRYABLE.has(code);
  }
}

/**
 * The delay before reconnect attempt `attempt` (0 for the first): "full jitter", uniform in
 * [minMs, min(capMs, baseMs·2^attempt)), so a crowd of clients spreads out instead of returning together.
 * @param {number} attempt
 * @param {{baseMs: number, capMs: number, minMs: number}} backoff
 * @param {() => number} random
 */
export function backoffDelay(attempt, backoff, random) {
  const ceiling = Math.min(backoff.capMs, backoff.baseMs * 2 ** Math.min(attempt, 30));
  return Math.max(backoff.minMs, Math.floor(random() * ceiling));
}

/** A key for an idempotent publication; `crypto.randomUUID` exists only in secure contexts. */
function newKey() {
  const c = globalThis.crypto;
  if (c && typeof c.randomUUID === 'function') return c.randomUUID();
  const bytes = new Uint8Array(16);
  if (c && typeof c.getRandomValues === 'function') c.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

const encoder = new TextEncoder();

/** A small typed event emitter; a throwing listener is reported and does not break the client. */
class Emitter {
  /** @type {Map<string, Set<(e: any) => void>>} */
  #listeners = new Map();

  /**
   * @param {string} event
   * @param {(e: any) => void} listener
   * @returns {() => void} removes the listener
   */
  on(event, listener) {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => this.off(event, listener);
  }

  /**
   * @param {string} event
   * @param {(e: any) => void} listener
   */
  off(event, listener) {
    this.#listeners.get(event)?.delete(listener);
  }

  /**
   * @param {string} event
   * @param {unknown} value
   */
  emit(event, value) {
    const set = this.#listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        listener(value);
      } catch (e) {
        const report = /** @type {any} */ (globalThis).reportError;
        if (typeof report === 'function') report(e);
        else console.error(e);
      }
    }
  }
}

/**
 * One channel the application listens to. It survives reconnects: after each one it subscribes
 * again from the last position it delivered, so missed messages arrive first, in order, once.
 */
export class Subscription extends Emitter {
  /** @type {Switchboard} */
  #client;
  /** @type {Position | null} */
  #position;
  #recent;
  /** undefined until the hub said whether the channel keeps history */
  /** @type {boolean | undefined} */
  #liveOnly;
  #started = false;
  #ended = false;
  /** the connection generation this subscription was last subscribed on */
  #generation = -1;
  /** messages held back while a gap is fetched from history */
  /** @type {Message[] | null} */
  #held = null;
  /** @type {(e: any) => void} */
  #resolveReady = () => {};
  /** @type {(e: SwitchboardError) => void} */
  #rejectReady = () => {};

  /**
   * @param {Switchboard} client
   * @param {string} channel
   * @param {{since?: Position, recent?: number}} options
   */
  constructor(client, channel, options) {
    super();
    this.#client = client;
    /** @readonly */
    this.channel = channel;
    this.#position = options.since ? { epoch: options.since.epoch, seq: options.since.seq } : null;
    this.#recent = options.since ? 0 : Math.max(0, Math.floor(options.recent ?? 0));
    /** @type {Promise<{recovered: boolean | undefined, resumed: boolean, epoch?: number, seq?: number}>} */
    this.ready = new Promise((resolve, reject) => {
      this.#resolveReady = resolve;
      this.#rejectReady = reject;
    });
    this.ready.catch(() => {}); // an app that never awaits it still hears 'error'
  }

  /** The position of the last message delivered to the application. */
  get position() {
    return this.#position ? { ...this.#position } : null;
  }

  /**
   * @param {unknown} data
   * @param {{key?: string}} [options]
   */
  publish(data, options) {
    return this.#client.publish(this.channel, data, options);
  }

  presence() {
    return this.#client.presence(this.channel);
  }

  /** @param {{after?: Position, before?: Position, limit?: number}} [options] */
  history(options) {
    return this.#client.history(this.channel, options);
  }

  /** @returns {Promise<void>} */
  async unsubscribe() {
    if (this.#ended) return;
    this.#end(new SwitchboardError('unsubscribed', `unsubscribed from ${this.channel}`));
    if (this.#client.state === 'connected') {
      try {
        await this.#client._request('unsubscribe', { channel: this.channel });
      } catch (e) {
        if (!(e instanceof SwitchboardError && e.code === 'disconnected')) throw e;
      }
    }
  }

  /**
   * Subscribes on the current connection (generation), resuming from the last position.
   * @param {number} generation
   * @internal
   */
  _start(generation) {
    if (this.#ended || this.#generation === generation) return;
    this.#generation = generation;
    this.#held = null;
    const resumed = this.#started;
    /** @param {SwitchboardError} error */
    const failed = (error) => {
      if (error.code === 'disconnected' || this.#ended || this.#generation !== generation) return; // the next connection subscribes again
      this.emit('error', error);
      this.#end(error);
    };
    const subscribe = () => {
      if (this.#generation !== generation || this.#ended) return;
      /** @type {Record<string, unknown>} */
      const fields = { channel: this.channel };
      if (this.#position && this.#liveOnly !== true) fields.since = this.#position;
      // answered synchronously: the replayed messages that follow the reply in the same frame
      // must meet the position the reply sets
      this.#client._call('subscribe', fields, (error, reply) => {
        if (error) failed(error);
        else if (this.#generation === generation && !this.#ended) this.#subscribed(reply.data || {}, resumed);
      });
    };
    if (!this.#started && this.#recent > 0 && this.#position === null) {
      this.#loadRecent().then(subscribe, (e) => failed(asError(e)));
    } else {
      subscribe();
    }
  }

  /** On the first subscription only: the channel's latest messages, then live from the last one. */
  async #loadRecent() {
    try {
      const frame = await this.#client._request('history', { channel: this.channel, limit: this.#recent });
      const page = /** @type {HistoryPage} */ (frame.data);
      if (typeof page.epoch === 'number') {
        this.#position = { epoch: page.epoch, seq: 0 };
        for (const m of page.messages || []) this.#deliver(m);
        if (this.#position.seq === 0) this.#position.seq = Math.max(0, page.latest || 0);
      }
    } catch (e) {
      const error = asError(e);
      if (error.code === 'no_history') this.#liveOnly = true;
      else if (error.code !== 'unavailable') throw error;
    }
  }

  /**
   * @param {any} data the subscribe reply's data
   * @param {boolean} resumed
   */
  #subscribed(data, resumed) {
    const hasPosition = typeof data.epoch === 'number' && typeof data.seq === 'number';
    const from = this.position;
    if (hasPosition) this.#liveOnly = false;
    else if (data.recovered === undefined) this.#liveOnly = true;
    this.#started = true;
    if (data.recovered === false) {
      this.emit('unrecovered', {
        reason: hasPosition ? 'gone' : 'unavailable',
        ...(typeof data.earliest === 'number' ? { earliest: data.earliest } : {}),
        ...(hasPosition ? { epoch: data.epoch } : {}),
        from,
      });
      if (hasPosition) this.#position = { epoch: data.epoch, seq: data.seq };
    } else if (hasPosition && this.#position === null) {
      this.#position = { epoch: data.epoch, seq: data.seq };
    } else if (this.#liveOnly && resumed) {
      this.emit('unrecovered', { reason: 'live-only', from });
    }
    /** @type {{recovered: boolean | undefined, resumed: boolean, epoch?: number, seq?: number}} */
    const event = { recovered: data.recovered, resumed };
    if (hasPosition) Object.assign(event, { epoch: data.epoch, seq: data.seq });
    this.emit('subscribed', event);
    this.#resolveReady(event);
  }

  /**
   * A message from the hub: delivered once, in order; a gap on a channel with history is filled first.
   * @param {Message} m
   * @internal
   */
  _message(m) {
    if (this.#ended) return;
    if (this.#held) {
      this.#held.push(m);
      return;
    }
    const p = this.#position;
    if (p && m.epoch === p.epoch && m.seq > p.seq + 1) {
      if (this.#liveOnly) {
        this.emit('unrecovered', { reason: 'live-only', epoch: m.epoch, from: this.position });
      } else {
        this.#held = [m];
        this.#fillGap(this.#generation, m.seq - 1);
        return;
      }
    }
    this.#deliver(m);
  }

  /**
   * @param {string} type 'join' or 'leave'
   * @param {Member} member
   * @internal
   */
  _presence(type, member) {
    if (!this.#ended) this.emit(type, member);
  }

  /** Forgets what belonged to the connection that ended; the next one resumes from the position. */
  _disconnected() {
    this.#held = null;
    this.#generation = -1;
  }

  /** @param {Message} m */
  #deliver(m) {
    const p = this.#position;
    if (p && (m.epoch < p.epoch || (m.epoch === p.epoch && m.seq <= p.seq))) return; // seen already
    this.#position = { epoch: m.epoch, seq: m.seq };
    this.emit('message', m);
  }

  /**
   * @param {number} generation
   * @param {number} upTo the last missing seq
   */
  async #fillGap(generation, upTo) {
    const page = this.#client.historyPageLimit;
    try {
      while (this.#position && this.#position.seq < upTo) {
        const after = this.#position;
        const frame = await this.#client._request('history', {
          channel: this.channel, after, limit: Math.min(page, upTo - after.seq),
        });
        if (this.#generation !== generation || this.#ended) return;
        const data = /** @type {HistoryPage} */ (frame.data);
        const messages = (data.messages || []).filter((m) => m.epoch === after.epoch && m.seq <= upTo);
        const lost = data.epoch !== after.epoch || data.earliest > after.seq + 1 || messages.length === 0;
        if (lost) this.emit('unrecovered', { reason: 'gone', earliest: data.earliest, epoch: data.epoch, from: { ...after } });
        for (const m of messages) this.#deliver(m);
        if (lost) break;
      }
    } catch (e) {
      const error = asError(e);
      if (error.code === 'disconnected' || this.#generation !== generation) return; // resume covers it
      if (error.code === 'no_history') this.#liveOnly = true;
      this.emit('unrecovered', { reason: error.code === 'no_history' ? 'live-only' : 'unavailable', from: this.position });
    }
    if (this.#generation !== generation || this.#ended) return;
    const [first, ...rest] = this.#held || [];
    this.#held = null;
    // the gap is filled or reported by now: the message after it goes through without a second fetch
    if (first) this.#deliver(first);
    for (const m of rest) this._message(m);
  }

  /** @param {SwitchboardError} error */
  #end(error) {
    if (this.#ended) return;
    this.#ended = true;
    this.#held = null;
    this.#client._forget(this);
    this.#rejectReady(error);
  }
}

/**
 * A connection to the hub that keeps itself alive: states `connecting` → `connected` →
 * `disconnected` → `reconnecting` (until `nextAttemptAt`) → `connecting` …, and `closed` for good.
 */
export class Switchboard extends Emitter {
  #urls;
  #tokenProvider;
  #WebSocket;
  #random;
  #backoff;
  #ping;
  #connectTimeoutMs;
  #queueLimit;
  #publishRetries;

  /** @type {'idle'|'connecting'|'connected'|'reconnecting'|'disconnected'|'closed'} */
  #state = 'idle';
  /** @type {any} */
  #ws = null;
  /** @type {any} */
  #welcome = null;
  #generation = 0;
  #urlIndex = 0;
  #attempt = 0;
  #connectedAt = 0;
  /** @type {number | null} */
  #nextAttemptAt = null;
  /** @type {any} */
  #retryTimer = null;
  /** @type {any} */
  #pingTimer = null;
  /** @type {any} */
  #pongTimer = null;
  #lastReceived = 0;
  #nextId = 1;
  /** @type {Map<string, Pending>} */
  #pending = new Map();
  /** publications waiting for a connection, oldest first */
  /** @type {Publication[]} */
  #outbox = [];
  /** @type {Map<string, Subscription>} */
  #subscriptions = new Map();
  /** @type {number | undefined} */
  #maxMessageBytes;
  /** publications answered `unavailable`, waiting to be sent again */
  /** @type {Map<Publication, any>} */
  #retrying = new Map();

  /** @param {import('./switchboard.js').ClientOptions} options */
  constructor(options) {
    super();
    const urls = options && options.url !== undefined ? options.url : defaultUrl();
    this.#urls = (Array.isArray(urls) ? urls : [urls]).map(String);
    if (this.#urls.length === 0 || !this.#urls[0]) throw new TypeError('Switchboard: url is required');
    this.#tokenProvider = options.token;
    this.#WebSocket = /** @type {any} */ (options.WebSocket ?? /** @type {any} */ (globalThis).WebSocket);
    if (typeof this.#WebSocket !== 'function') {
      throw new TypeError('Switchboard: no WebSocket implementation; pass one as the WebSocket option (Node: the ws package)');
    }
    this.#random = options.random ?? Math.random;
    this.#backoff = { ...DEFAULTS.backoff, ...(options.backoff || {}) };
    this.#ping = { ...DEFAULTS.ping, ...(options.ping || {}) };
    this.#connectTimeoutMs = options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs;
    this.#queueLimit = options.offlineQueue ?? DEFAULTS.offlineQueue;
    this.#publishRetries = options.publishRetries ?? DEFAULTS.publishRetries;
    /** @readonly */
    this.historyPageLimit = DEFAULTS.historyPage;
  }

  get state() {
    return this.#state;
  }

  get welcome() {
    return this.#welcome;
  }

  get nextAttemptAt() {
    return this.#nextAttemptAt;
  }

  /** Publications waiting to be sent (offline) or re-sent (after a dropped connection). */
  get queued() {
    return this.#outbox.length;
  }

  /** Starts connecting (again, after `close()`); subscriptions made before resume. */
  connect() {
    if (this.#state === 'idle' || this.#state === 'closed') {
      this.#attempt = 0;
      this.#open();
    }
    return this;
  }

  /** Ends the connection for good: queued and unanswered publications reject with `closed`. */
  close() {
    this.#shutdown({ code: 1000, reason: 'client closed' });
  }

  /** @param {{code?: number, reason?: string, error?: SwitchboardError}} event */
  #shutdown(event) {
    if (this.#state === 'closed') return;
    this.#clearTimers();
    const ws = this.#ws;
    this.#ws = null;
    if (ws) this.#abandon(ws, 1000, event.reason || 'client closed');
    this.#connectionLost();
    const error = event.error ?? new SwitchboardError('closed', 'the client was closed');
    for (const publication of this.#outbox.splice(0)) publication.reject(error);
    for (const [publication, timer] of this.#retrying) {
      clearTimeout(timer);
      publication.reject(error);
    }
    this.#retrying.clear();
    this.#nextAttemptAt = null;
    this.#setState('closed');
    this.emit('closed', event);
  }

  /**
   * @param {string} channel
   * @param {{since?: Position, recent?: number}} [options]
   */
  subscribe(channel, options = {}) {
    const existing = this.#subscriptions.get(channel);
    if (existing) return existing;
    const subscription = new Subscription(this, channel, options);
    this.#subscriptions.set(channel, subscription);
    if (this.#state === 'connected') subscription._start(this.#generation);
    return subscription;
  }

  /** @param {string} channel */
  subscription(channel) {
    return this.#subscriptions.get(channel);
  }

  /**
   * Publishes `data`; resolves with its position once the hub acknowledged it. While disconnected
   * it waits in the offline queue; a publication whose answer was lost is sent again with its key,
   * which the hub answers without delivering it twice.
   * @param {string} channel
   * @param {unknown} data
   * @param {{key?: string}} [options]
   * @returns {Promise<PublishResult>}
   */
  publish(channel, data, options = {}) {
    return new Promise((resolve, reject) => {
      if (this.#state === 'closed') {
        reject(new SwitchboardError('closed', 'the client was closed'));
        return;
      }
      /** @type {Publication} */
      const publication = { channel, data, key: options.key ?? newKey(), retries: 0, resolve, reject };
      if (this.#refusedTooBig(publication)) return;
      if (this.#state === 'connected') {
        this.#sendPublication(publication);
      } else if (this.#outbox.length >= this.#queueLimit) {
        reject(new SwitchboardError('queue_full', `${this.#queueLimit} publications are already waiting for a connection`));
      } else {
        this.#outbox.push(publication);
      }
    });
  }

  /**
   * @param {string} channel
   * @returns {Promise<Member[]>}
   */
  async presence(channel) {
    const frame = await this._request('presence', { channel });
    return (frame.data && frame.data.members) || [];
  }

  /**
   * @param {string} channel
   * @param {{after?: Position, before?: Position, limit?: number}} [options]
   * @returns {Promise<HistoryPage>}
   */
  async history(channel, options = {}) {
    const frame = await this._request('history', { channel, ...options });
    return frame.data;
  }

  /**
   * Sends a request on the current connection and resolves with its answer; rejects with the
   * hub's error, or `disconnected` when there is no connection or it ends first.
   * @param {string} type
   * @param {Record<string, unknown>} fields
   * @returns {Promise<Envelope>}
   * @internal
   */
  _request(type, fields) {
    return new Promise((resolve, reject) => {
      this._call(type, fields, (error, frame) => (error ? reject(error) : resolve(frame)));
    });
  }

  /**
   * Like `_request`, with a callback run as the answer is read (before the envelopes after it).
   * @param {string} type
   * @param {Record<string, unknown>} fields
   * @param {(error: SwitchboardError | null, frame: Envelope) => void} callback
   * @internal
   */
  _call(type, fields, callback) {
    /** @type {Envelope} */
    const none = { type: 'none' };
    if (this.#state !== 'connected') {
      callback(new SwitchboardError('disconnected', 'not connected'), none);
      return;
    }
    const id = String(this.#nextId++);
    this.#pending.set(id, { resolve: (frame) => callback(null, frame), reject: (error) => callback(error, none) });
    this.#send({ type, id, ...fields });
  }

  /**
   * @param {Subscription} subscription
   * @internal
   */
  _forget(subscription) {
    if (this.#subscriptions.get(subscription.channel) === subscription) this.#subscriptions.delete(subscription.channel);
  }

  // ------------------------------------------------------------------ connection

  /** @param {'idle'|'connecting'|'connected'|'reconnecting'|'disconnected'|'closed'} state */
  #setState(state) {
    if (this.#state === state) return;
    this.#state = state;
    this.emit('state', state);
  }

  /** counts attempts, so an attempt overtaken while it awaited its token lets go */
  #opening = 0;

  async #open() {
    const opening = ++this.#opening;
    this.#nextAttemptAt = null;
    const url = this.#urls[this.#urlIndex % this.#urls.length];
    this.#setState('connecting');
    this.emit('connecting', { attempt: this.#attempt, url });
    let token;
    try {
      token = this.#tokenProvider ? await this.#tokenProvider() : null;
    } catch (e) {
      if (this.#state !== 'connecting' || opening !== this.#opening) return;
      // like a refused handshake: retried with backoff; an app whose user must sign in again calls close()
      const error = new SwitchboardError('token_unavailable', `the token provider failed: ${e instanceof Error ? e.message : e}`);
      this.emit('error', error);
      this.#failed(1006, error.message, false);
      return;
    }
    if (this.#state !== 'connecting' || opening !== this.#opening) return; // closed (or restarted) meanwhile
    const protocols = token ? [PROTOCOL, BEARER + token] : [PROTOCOL];
    let ws;
    try {
      ws = new this.#WebSocket(url, protocols);
    } catch (e) {
      this.#failed(1006, `cannot open ${url}: ${e instanceof Error ? e.message : e}`, false);
      return;
    }
    this.#ws = ws;
    const generation = ++this.#generation;
    const handshakeTimer = setTimeout(() => {
      if (this.#ws === ws && !this.#welcome) {
        this.#ws = null;
        this.#abandon(ws, 1000, 'handshake timeout');
        this.#failed(1006, 'no welcome in time', false);
      }
    }, this.#connectTimeoutMs);
    ws.onerror = () => {}; // the close event that follows says what happened
    ws.onmessage = (/** @type {{data: unknown}} */ event) => {
      if (this.#ws === ws) this.#received(event.data, generation);
    };
    ws.onclose = (/** @type {{code: number, reason: string}} */ event) => {
      clearTimeout(handshakeTimer);
      if (this.#ws !== ws) return;
      this.#ws = null;
      this.#failed(event.code || 1006, event.reason || '', this.#welcome !== null);
    };
    ws.onopen = () => {
      if (this.#ws === ws) this.#lastReceived = Date.now();
    };
    this.#handshakeTimer = handshakeTimer;
  }

  /** @type {any} */
  #handshakeTimer = null;

  /**
   * @param {unknown} data
   * @param {number} generation
   */
  #received(data, generation) {
    this.#lastReceived = Date.now();
    if (this.#pongTimer) {
      clearTimeout(this.#pongTimer);
      this.#pongTimer = null;
    }
    if (typeof data !== 'string') return;
    for (const part of data.split('\n')) {
      if (!part) continue;
      let envelope;
      try {
        envelope = JSON.parse(part);
      } catch {
        this.emit('error', new SwitchboardError('malformed_json', 'the hub sent a frame that is not JSON'));
        continue;
      }
      if (envelope && typeof envelope === 'object') this.#dispatch(envelope, generation);
      if (this.#generation !== generation || this.#ws === null) return; // a listener closed the client
    }
  }

  /**
   * @param {Envelope} envelope
   * @param {number} generation
   */
  #dispatch(envelope, generation) {
    switch (envelope.type) {
      case 'welcome':
        this.#welcomed(envelope.data || {}, generation);
        return;
      case 'message': {
        const subscription = this.#subscriptions.get(/** @type {string} */ (envelope.channel));
        if (subscription) subscription._message(/** @type {Message} */ (/** @type {unknown} */ (envelope)));
        return;
      }
      case 'join':
      case 'leave': {
        const subscription = this.#subscriptions.get(/** @type {string} */ (envelope.channel));
        if (subscription) subscription._presence(envelope.type, envelope.data);
        return;
      }
      case 'expiring':
        this.#renewToken();
        return;
      default:
        if (envelope.id !== undefined) this.#answered(envelope);
    }
  }

  /**
   * @param {any} welcome
   * @param {number} generation
   */
  #welcomed(welcome, generation) {
    clearTimeout(this.#handshakeTimer);
    this.#welcome = welcome;
    this.#connectedAt = Date.now();
    const limit = welcome.limits && welcome.limits.maxMessageBytes;
    if (typeof limit === 'number') this.#maxMessageBytes = limit;
    this.#setState('connected');
    this.#armPing();
    this.emit('connected', welcome);
    if (this.#generation !== generation || this.#state !== 'connected') return;
    for (const subscription of [...this.#subscriptions.values()]) subscription._start(generation);
    for (const publication of this.#outbox.splice(0)) this.#sendPublication(publication);
  }

  /** @param {Envelope} envelope */
  #answered(envelope) {
    const pending = this.#pending.get(/** @type {string} */ (envelope.id));
    if (!pending) return;
    this.#pending.delete(/** @type {string} */ (envelope.id));
    const data = envelope.data;
    if (envelope.type === 'reply' && data && data.ok === false) {
      const error = data.error || {};
      pending.reject(new SwitchboardError(String(error.code || 'error'), error.message));
    } else {
      pending.resolve(envelope);
    }
  }

  /**
   * A publication over the hub's limit would cost the connection a 1009 close (and again after
   * every reconnect): it is refused here, against the limit of the last welcome.
   * @param {Publication} publication
   */
  #refusedTooBig(publication) {
    if (this.#maxMessageBytes === undefined) return false;
    const { channel, key, data } = publication;
    const size = encoder.encode(JSON.stringify({ type: 'publish', id: '0000000000', channel, key, data })).length;
    if (size <= this.#maxMessageBytes) return false;
    publication.reject(new SwitchboardError('too_big', `the publication is ${size} bytes; the hub accepts ${this.#maxMessageBytes}`));
    return true;
  }

  /** @param {Publication} publication */
  #sendPublication(publication) {
    if (this.#refusedTooBig(publication)) return;
    const id = String(this.#nextId++);
    this.#pending.set(id, {
      publication,
      resolve: (frame) => {
        const data = frame.data || {};
        /** @type {PublishResult} */
        const result = { duplicate: data.duplicate === true };
        if (typeof data.epoch === 'number') result.epoch = data.epoch;
        if (typeof data.seq === 'number') result.seq = data.seq;
        publication.resolve(result);
      },
      reject: (error) => {
        if (error.code === 'unavailable' && publication.retries < this.#publishRetries) {
          publication.retries++;
          const delay = backoffDelay(publication.retries, this.#backoff, this.#random);
          const timer = setTimeout(() => {
            this.#retrying.delete(publication);
            this.#resend(publication);
          }, delay);
          this.#retrying.set(publication, timer);
        } else {
          publication.reject(error);
        }
      },
    });
    const { channel, key, data } = publication;
    this.#send({ type: 'publish', id, channel, key, data });
  }

  /** @param {Publication} publication */
  #resend(publication) {
    if (this.#state === 'closed') publication.reject(new SwitchboardError('closed', 'the client was closed'));
    else if (this.#state === 'connected') this.#sendPublication(publication);
    else this.#outbox.unshift(publication);
  }

  /** @param {Envelope} envelope */
  #send(envelope) {
    this.#ws.send(JSON.stringify(envelope));
  }

  /** The hub says the token expires soon: ask the provider for a new one and hand it over in place. */
  async #renewToken() {
    if (!this.#tokenProvider) return;
    let token;
    try {
      token = await this.#tokenProvider();
    } catch (e) {
      this.emit('error', new SwitchboardError('token_unavailable', `the token provider failed: ${e instanceof Error ? e.message : e}`));
      return;
    }
    if (!token || this.#state !== 'connected') return;
    try {
      const reply = await this._request('refresh', { token });
      if (this.#welcome && reply.data && typeof reply.data.expiresAt === 'number') this.#welcome.expiresAt = reply.data.expiresAt;
    } catch (e) {
      const error = asError(e);
      if (error.code !== 'disconnected') this.emit('error', error);
    }
  }

  /** Browsers hide the hub's pings: on a quiet connection, ask for a pong and give up on silence. */
  #armPing() {
    clearTimeout(this.#pingTimer);
    const quietFor = Date.now() - this.#lastReceived;
    this.#pingTimer = setTimeout(() => this.#pingIfQuiet(), Math.max(0, this.#ping.intervalMs - quietFor));
  }

  #pingIfQuiet() {
    this.#pingTimer = null;
    if (this.#state !== 'connected') return;
    if (Date.now() - this.#lastReceived < this.#ping.intervalMs) {
      this.#armPing();
      return;
    }
    if (!this.#pongTimer) {
      this.#send({ type: 'ping' });
      const ws = this.#ws;
      this.#pongTimer = setTimeout(() => {
        this.#pongTimer = null;
        if (this.#ws !== ws || this.#state !== 'connected') return;
        this.#ws = null;
        this.#abandon(ws, 4000, 'ping timeout');
        this.#failed(4000, 'no answer to a ping', true);
      }, this.#ping.timeoutMs);
    }
    this.#pingTimer = setTimeout(() => this.#pingIfQuiet(), this.#ping.intervalMs);
  }

  /**
   * The connection (or the attempt) ended: re-queue what was unanswered and schedule the next attempt.
   * @param {number} code
   * @param {string} reason
   * @param {boolean} wasConnected
   */
  #failed(code, reason, wasConnected) {
    const livedMs = wasConnected ? Date.now() - this.#connectedAt : 0;
    this.#clearTimers();
    this.#connectionLost();
    this.#setState('disconnected');
    this.emit('disconnected', { code, reason, wasConnected });
    if (/** @type {string} */ (this.#state) !== 'disconnected') return; // a listener closed the client
    const stable = wasConnected && livedMs >= this.#backoff.stableMs;
    if (stable) this.#attempt = 0;
    let delay;
    if (stable && PROMPT_CODES.has(code)) {
      delay = Math.floor(this.#random() * this.#backoff.promptMs);
      if (code !== 4003) this.#urlIndex++;
    } else {
      delay = backoffDelay(this.#attempt++, this.#backoff, this.#random);
      if (code === 4001) delay = Math.max(delay, this.#backoff.baseMs);
      // a failed attempt, or a member that said it is going (1001/1012): the next member; a draining
      // member refuses handshakes and one being stopped may not answer them at all
      if (!wasConnected || code === 1001 || code === 1012) this.#urlIndex++;
    }
    this.#nextAttemptAt = Date.now() + delay;
    this.#setState('reconnecting');
    this.emit('reconnecting', { attempt: this.#attempt, delayMs: delay, at: this.#nextAttemptAt, code, reason });
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      if (this.#state === 'reconnecting') this.#open();
    }, delay);
  }

  /** Unanswered requests fail with `disconnected`; unanswered publications go back to the queue front. */
  #connectionLost() {
    this.#welcome = null;
    this.#generation++;
    /** @type {Publication[]} */
    const unanswered = [];
    const error = new SwitchboardError('disconnected', 'the connection ended before the answer');
    for (const pending of this.#pending.values()) {
      if (pending.publication) unanswered.push(pending.publication);
      else pending.reject(error);
    }
    this.#pending.clear();
    this.#outbox.unshift(...unanswered);
    for (const subscription of this.#subscriptions.values()) subscription._disconnected();
  }

  #clearTimers() {
    clearTimeout(this.#retryTimer);
    clearTimeout(this.#pingTimer);
    clearTimeout(this.#pongTimer);
    clearTimeout(this.#handshakeTimer);
    this.#retryTimer = this.#pingTimer = this.#pongTimer = this.#handshakeTimer = null;
  }

  /**
   * Lets go of a socket without waiting for its close handshake (it may be dead).
   * @param {any} ws
   * @param {number} code
   * @param {string} reason
   */
  #abandon(ws, code, reason) {
    ws.onopen = ws.onmessage = ws.onclose = null;
    ws.onerror = () => {};
    try {
      if (ws.readyState === 1) ws.close(code, reason);
      else if (typeof ws.terminate === 'function') ws.terminate();
      else ws.close();
    } catch {
      // already closing
    }
  }
}

/** @param {unknown} e */
function asError(e) {
  return e instanceof SwitchboardError ? e : new SwitchboardError('error', e instanceof Error ? e.message : String(e));
}

/** Where the WAR that served this module has its endpoint: `…/client/switchboard.js` → `…/ws`. */
function defaultUrl() {
  const here = new URL(import.meta.url);
  if (here.protocol !== 'http:' && here.protocol !== 'https:') {
    throw new TypeError('Switchboard: url is required when the module is not served by the hub');
  }
  const url = new URL('../ws', here);
  url.protocol = here.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.href;
}
