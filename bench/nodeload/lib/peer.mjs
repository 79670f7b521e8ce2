// One client connection, as each stack is spoken (bench/README.md, "What each stack is spoken as").
//
// A Peer goes connecting -> ready -> closed, or connecting -> failed. "ready" is protocol-ready:
// Switchboard's welcome envelope, the bare endpoint's open. Every callback fires at most once
// per transition; the scenario sets the callbacks it needs before start().
import WebSocket from 'ws';
import { performance } from 'node:perf_hooks';

/** The pieces every connection of a run shares: base URL, Origin, stack. */
export function target(urlText, stack) {
  const url = new URL(urlText);
  const port = url.port || (url.protocol === 'wss:' ? '443' : '80');
  return {
    url,
    stack,
    origin: `${url.protocol === 'wss:' ? 'https' : 'http'}://${url.hostname}:${port}`,
  };
}

export class Peer {
  /**
   * @param tgt     target()
   * @param query   query parameters to add (switchboard: {name}; bare: {room, pub})
   * @param source  local address or null
   * @param timeoutMs  handshake timeout, and then as long again for the welcome
   */
  constructor(tgt, query, source, timeoutMs = 15000) {
    this.tgt = tgt;
    this.query = query;
    this.source = source;
    this.timeoutMs = timeoutMs;
    this.state = 'new';
    this.ws = null;
    this.startedAt = 0; // performance.now() at start()
    this.readyAt = 0;
    // callbacks
    this.onReady = null; // (peer)
    this.onFail = null; // (peer, {kind, status, retryAfter, message})
    this.onClose = null; // (peer, code, reason)  -- only after ready
    this.onEnvelope = null; // (peer, object)      -- switchboard, after ready
    this.onText = null; // (peer, string)      -- bare, after ready
  }

  start() {
    const u = new URL(this.tgt.url);
    for (const [k, v] of Object.entries(this.query)) if (v !== undefined && v !== null) u.searchParams.set(k, String(v));
    const opts = {
      headers: { Origin: this.tgt.origin },
      perMessageDeflate: false,
      handshakeTimeout: this.timeoutMs,
      skipUTF8Validation: true,
      maxPayload: 16 * 1024 * 1024,
    };
    if (this.source) opts.localAddress = this.source;
    this.state = 'connecting';
    this.startedAt = performance.now();
    let ws;
    try {
      ws = new WebSocket(u, this.tgt.stack === 'switchboard' ? ['switchboard.v1'] : [], opts);
    } catch (e) {
      queueMicrotask(() => this._fail({ kind: 'error', message: e.message }));
      return this;
    }
    this.ws = ws;
    ws.on('unexpected-response', (req, res) => {
      const ra = Number.parseFloat(res.headers['retry-after']);
      this._fail({ kind: 'status', status: res.statusCode, retryAfter: Number.isFinite(ra) ? ra : null });
      res.resume();
      ws.terminate();
    });
    ws.on('open', () => {
      if (this.state !== 'connecting') return;
      if (this.tgt.stack === 'bare') {
        this._ready();
      } else {
        this.welcomeTimer = setTimeout(() => this._fail({ kind: 'timeout', message: 'no welcome' }), this.timeoutMs);
      }
    });
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      const text = data.toString();
      if (this.tgt.stack === 'bare') {
        if (this.state === 'ready' && this.onText) this.onText(this, text);
        return;
      }
      // a frame carries one or more envelopes separated by "\n"
      let from = 0;
      while (from <= text.length) {
        let to = text.indexOf('\n', from);
        if (to < 0) to = text.length;
        if (to > from) this._envelope(text.slice(from, to));
        from = to + 1;
      }
    });
    ws.on('error', (e) => {
      if (this.state === 'connecting') this._fail({ kind: 'error', message: e.code || e.message });
      // after ready, the close event follows and counts
    });
    ws.on('close', (code, reason) => {
      if (this.state === 'connecting') {
        this._fail({ kind: 'close', code, message: `closed ${code} before ready` });
      } else if (this.state === 'ready') {
        this.state = 'closed';
        if (this.onClose) this.onClose(this, code, reason.toString());
      }
    });
    return this;
  }

  _envelope(line) {
    let env;
    try {
      env = JSON.parse(line);
    } catch {
      return;
    }
    if (this.state === 'connecting') {
      if (env.type === 'welcome') {
        clearTimeout(this.welcomeTimer);
        this.welcome = env.data;
        this._ready();
      }
      return;
    }
    if (this.state === 'ready' && this.onEnvelope) this.onEnvelope(this, env);
  }

  _ready() {
    this.state = 'ready';
    this.readyAt = performance.now();
    if (this.onReady) this.onReady(this);
  }

  _fail(info) {
    if (this.state !== 'connecting' && this.state !== 'new') return;
    this.state = 'failed';
    clearTimeout(this.welcomeTimer);
    if (this.ws && this.ws.readyState !== WebSocket.CLOSED) this.ws.terminate();
    if (this.onFail) this.onFail(this, info);
  }

  send(text) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) {
      this.ws.send(text);
      return true;
    }
    return false;
  }

  /** Closes the connection (1000), no callbacks any more. Resolves when closed or after waitMs. */
  close(waitMs = 5000) {
    this.onClose = null;
    this.onFail = null;
    this.onReady = null;
    clearTimeout(this.welcomeTimer);
    const ws = this.ws;
    if (this.state === 'connecting') this.state = 'failed';
    else if (this.state === 'ready') this.state = 'closed';
    if (!ws || ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        ws.terminate();
        resolve();
      }, waitMs);
      ws.once('close', () => {
        clearTimeout(t);
        resolve();
      });
      if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
      else ws.close(1000);
    });
  }
}
