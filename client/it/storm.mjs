// Reconnect storm (issue 18): N library clients on one hub member, a few publishers with
// idempotency keys, a restart of the member in the middle. Run by ReconnectStormIT, which restarts
// the member after "connected" and asserts the "verdict" line; usable by hand as well:
//
//   node it/storm.mjs --url=ws://127.0.0.1:29080/switchboard/ws --tokens=tokens.txt [--clients=3000]
//
// stdout carries one JSON object per line ({"event": ...}); nothing else is written there.
// The tokens file holds one token per line: the first is the publishers', the others are handed
// to the clients in turn (the hub limits connections per subject).
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { Switchboard } from '../src/switchboard.js';

const options = parse(process.argv.slice(2), {
  url: 'ws://127.0.0.1:29080/switchboard/ws',
  tokens: '',
  clients: 3000,
  channels: 4,
  // publications per second on each channel while the storm lasts
  rate: 2,
  // publications of one publisher awaiting their acknowledgement at most
  inFlight: 8,
  // concurrent handshakes while the clients first connect
  ramp: 250,
  // the library's reconnect backoff cap (full jitter), which bounds how late the last client
  // returns; 0: the library's default
  backoffCapMs: 0,
  // publishing goes on this long after every client resumed
  tailMs: 3000,
  connectTimeoutMs: 90000,
  stormTimeoutMs: 150000,
  drainTimeoutMs: 30000,
  prefix: 'storm.' + randomUUID().slice(0, 8),
});

const started = performance.now();
const now = () => performance.now() - started;
const cpuMs = () => { const u = process.cpuUsage(); return Math.round((u.user + u.system) / 1000); };
const emit = (event, fields = {}) => process.stdout.write(JSON.stringify({ event, t: Math.round(now()), cpuMs: cpuMs(), ...fields }) + '\n');

const tokens = readFileSync(options.tokens, 'utf8').split('\n').map((l) => l.trim()).filter(Boolean);
if (tokens.length < 2) {
  throw new Error(`${options.tokens}: needs a publisher token and at least one client token`);
}
const channels = Array.from({ length: options.channels }, (_, c) => `${options.prefix}.${c}`);
const backoff = options.backoffCapMs > 0 ? { backoff: { capMs: options.backoffCapMs } } : {};
const failures = [];
const fail = (text) => { if (failures.length < 10000) failures.push(text); };

/** One subscribing client and everything it saw. */
class Client {
  constructor(index) {
    this.index = index;
    this.channel = channels[index % channels.length];
    const token = tokens[1 + (index % (tokens.length - 1))];
    this.sb = new Switchboard({
      url: options.url,
      token: () => token,
      WebSocket,
      ...backoff,
    });
    this.connects = 0;
    this.attempts = 0;
    this.downAt = null;
    this.resumedAt = null;
    this.unrecovered = [];
    this.errors = [];
    this.epoch = null;
    this.last = 0;
    this.first = 0;
    this.keys = new Map(); // seq -> key
    this.sb.on('connected', () => { this.connects++; });
    this.sb.on('reconnecting', () => { this.attempts++; });
    this.sb.on('disconnected', (e) => {
      if (!e.wasConnected) {
        return;
      }
      this.lastClose = e.code;
      if (storm.restartAt === null) {
        fail(`client ${index}: disconnected before the restart (${e.code} ${e.reason})`);
      } else if (this.downAt === null) {
        this.downAt = now();
        storm.down();
      }
    });
    this.sb.on('closed', (e) => storm.finished || fail(`client ${index}: closed for good (${e.code} ${e.reason ?? ''} ${e.error?.code ?? ''})`));
    this.sb.on('error', (e) => this.errors.push(e.code));
  }

  async start() {
    const begin = now();
    this.sb.connect();
    this.sub = this.sb.subscribe(this.channel);
    this.sub.on('message', (m) => this.message(m));
    this.sub.on('unrecovered', (e) => this.unrecovered.push(e));
    this.sub.on('error', (e) => this.errors.push(e.code));
    this.sub.on('subscribed', (e) => {
      if (this.downAt !== null && this.resumedAt === null) {
        this.resumedAt = now();
        this.resumed = e;
        storm.resumed(this);
      }
    });
    await this.sub.ready;
    this.connectMs = now() - begin;
  }

  message(m) {
    if (m.channel !== this.channel) {
      fail(`client ${this.index}: message of ${m.channel} on a subscription of ${this.channel}`);
      return;
    }
    if (this.epoch === null) {
      this.epoch = m.epoch;
      this.first = m.seq;
    } else if (m.epoch !== this.epoch) {
      fail(`client ${this.index}: epoch changed ${this.epoch} -> ${m.epoch} at seq ${m.seq}`);
      this.epoch = m.epoch;
    } else if (m.seq === this.last) {
      fail(`client ${this.index}: duplicate seq ${m.seq}`);
    } else if (m.seq < this.last) {
      fail(`client ${this.index}: seq ${m.seq} after ${this.last} (out of order)`);
    } else if (m.seq > this.last + 1) {
      fail(`client ${this.index}: gap ${this.last + 1}..${m.seq - 1} (${this.downAt === null ? 'before' : 'after'} the restart)`);
    }
    this.last = Math.max(this.last, m.seq);
    if (this.keys.has(m.seq)) {
      return;
    }
    this.keys.set(m.seq, m.data?.k);
  }
}

/** Publishes to one channel at a fixed rate with idempotency keys; acknowledged = promise resolved. */
class Publisher {
  constructor(channel) {
    this.channel = channel;
    this.sb = new Switchboard({ url: options.url, token: () => tokens[0], WebSocket, ...backoff });
    this.acked = []; // { k, seq, epoch, duplicate, at }
    this.refused = []; // { k, code }
    this.pending = 0;
    this.n = 0;
    this.settled = Promise.resolve();
  }

  start() {
    this.sb.connect();
    this.timer = setInterval(() => this.tick(), 1000 / options.rate);
  }

  tick() {
    if (this.pending >= options.inFlight) {
      return;
    }
    const k = `${this.channel}#${++this.n}`;
    const at = now();
    this.pending++;
    const p = this.sb.publish(this.channel, { k }, { key: k }).then(
      (r) => this.acked.push({ k, seq: r.seq, epoch: r.epoch, duplicate: r.duplicate, at, ms: now() - at }),
      (e) => this.refused.push({ k, code: e?.code ?? String(e), at }),
    ).finally(() => { this.pending--; });
    this.settled = Promise.all([this.settled, p]);
  }

  stop() {
    clearInterval(this.timer);
    return this.settled;
  }
}

/** The phases: connected, down, all resumed, drained. */
const storm = {
  restartAt: null,
  downAt: null,
  finished: false,
  resumedCount: 0,
  allResumed: null,
  onAllResumed: null,
  down() {
    if (this.downAt === null) {
      this.downAt = now();
      emit('down', { connectedBefore: clients.length });
    }
  },
  resumed() {
    this.resumedCount++;
    if (this.resumedCount === clients.length && this.onAllResumed) {
      this.onAllResumed();
    }
  },
};

const clients = Array.from({ length: options.clients }, (_, i) => new Client(i));
const publishers = channels.map((c) => new Publisher(c));

function percentiles(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => (sorted.length ? Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]) : null);
  return { p50: at(0.5), p99: at(0.99), max: at(1), n: sorted.length };
}

function within(ms, promise, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms); }),
  ]).finally(() => clearTimeout(timer));
}

async function connectAll() {
  let next = 0;
  const worker = async () => {
    while (next < clients.length) {
      await clients[next++].start();
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.ramp, clients.length) }, worker));
}

const progress = setInterval(() => {
  const states = {};
  for (const c of clients) {
    states[c.sb.state] = (states[c.sb.state] ?? 0) + 1;
  }
  emit('progress', {
    states,
    resumed: storm.resumedCount,
    acked: publishers.reduce((s, p) => s + p.acked.length, 0),
    refused: publishers.reduce((s, p) => s + p.refused.length, 0),
    pending: publishers.reduce((s, p) => s + p.pending, 0),
  });
}, 5000);

function verdict(extra) {
  const lastAck = new Map();
  const firstAck = new Map();
  const ackedKeys = new Map(); // channel -> Map(seq -> key)
  for (const p of publishers) {
    const bySeq = new Map();
    for (const a of p.acked) {
      if (bySeq.has(a.seq) && bySeq.get(a.seq) !== a.k) {
        fail(`${p.channel}: seq ${a.seq} acknowledged for ${bySeq.get(a.seq)} and ${a.k}`);
      }
      bySeq.set(a.seq, a.k);
    }
    ackedKeys.set(p.channel, bySeq);
    const seqs = [...bySeq.keys()];
    firstAck.set(p.channel, seqs.length ? Math.min(...seqs) : 0);
    lastAck.set(p.channel, seqs.length ? Math.max(...seqs) : 0);
  }
  let missing = 0;
  let wrongKey = 0;
  let duplicateKeys = 0;
  let unackedDelivered = 0;
  for (const c of clients) {
    const acked = ackedKeys.get(c.channel);
    for (const [seq, k] of acked) {
      const got = c.keys.get(seq);
      if (got === undefined) {
        if (missing++ < 20) fail(`client ${c.index}: acknowledged ${k} (seq ${seq} of ${c.channel}) never arrived`);
      } else if (got !== k) {
        if (wrongKey++ < 20) fail(`client ${c.index}: seq ${seq} of ${c.channel} carried ${got}, acknowledged for ${k}`);
      }
    }
    const seen = new Set();
    for (const [seq, k] of c.keys) {
      if (seen.has(k) && duplicateKeys++ < 20) fail(`client ${c.index}: ${k} delivered twice (again at seq ${seq})`);
      seen.add(k);
      if (!acked.has(seq)) unackedDelivered++;
    }
    if (c.first > firstAck.get(c.channel) && acked.size) {
      fail(`client ${c.index}: first message seq ${c.first} after the first acknowledged ${firstAck.get(c.channel)}`);
    }
    if (c.resumedAt === null) {
      fail(`client ${c.index}: did not come back (state ${c.sb.state}, ${c.attempts} attempts, last close ${c.lastClose})`);
    } else if (!(c.resumed?.resumed === true && c.resumed?.recovered === true)) {
      fail(`client ${c.index}: came back without a resume: ${JSON.stringify(c.resumed)}`);
    }
    if (c.unrecovered.length) {
      fail(`client ${c.index}: unrecovered ${JSON.stringify(c.unrecovered)}`);
    }
  }
  const back = clients.filter((c) => c.resumedAt !== null);
  const resumedAll = back.length === clients.length;
  const acked = publishers.flatMap((p) => p.acked);
  const refused = publishers.flatMap((p) => p.refused);
  const refusedCodes = {};
  for (const r of refused) refusedCodes[r.code] = (refusedCodes[r.code] ?? 0) + 1;
  const closeCodes = {};
  for (const c of clients) closeCodes[c.lastClose] = (closeCodes[c.lastClose] ?? 0) + 1;
  const errorCodes = {};
  for (const code of clients.flatMap((c) => c.errors)) errorCodes[code] = (errorCodes[code] ?? 0) + 1;
  const ok = failures.length === 0 && resumedAll && acked.length > 0;
  emit('verdict', {
    ok,
    clients: clients.length,
    resumed: back.filter((c) => c.resumed?.resumed === true && c.resumed?.recovered === true).length,
    cameBack: back.length,
    reconnectsMin: Math.min(...clients.map((c) => c.connects)) - 1,
    closeCodes,
    // 'error' events of the clients and their subscriptions (informational)
    errorCodes,
    acked: acked.length,
    ackedDuplicate: acked.filter((a) => a.duplicate).length,
    // acknowledged publications made between the first close and the last client's return
    ackedDuringStorm: acked.filter((a) => storm.downAt !== null && a.at >= storm.downAt && (storm.allResumed === null || a.at <= storm.allResumed)).length,
    refused: refused.length,
    refusedCodes,
    unackedDelivered,
    missing,
    wrongKey,
    duplicateKeys,
    publishMs: percentiles(acked.map((a) => a.ms)),
    lastAck: Object.fromEntries(lastAck),
    // from the first close seen to each client's resumed subscription
    reconnectMs: percentiles(back.map((c) => c.resumedAt - storm.downAt)),
    // from each client's own close to its resumed subscription
    ownReconnectMs: percentiles(back.map((c) => c.resumedAt - c.downAt)),
    allBackMs: storm.allResumed === null ? null : Math.round(storm.allResumed - storm.downAt),
    failures: failures.slice(0, 30),
    failureCount: failures.length,
    ...extra,
  });
  return ok;
}

/** Resolves once `done()` holds, checking every 50 ms. */
function until(done) {
  return new Promise((resolve) => {
    const check = () => (done() ? resolve() : setTimeout(check, 50));
    check();
  });
}

/** The line "restart" on stdin: the member is about to be restarted (written by the IT). */
function restartAnnounced() {
  return new Promise((resolve) => {
    let buffered = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (chunk) => {
      buffered += chunk;
      if (storm.restartAt === null && buffered.split('\n').some((l) => l.trim() === 'restart')) {
        storm.restartAt = now();
        emit('restart', {});
        resolve();
      }
    });
  });
}

async function main() {
  const connectBegin = now();
  for (const p of publishers) p.sb.connect();
  await within(options.connectTimeoutMs, connectAll(), `connecting ${clients.length} clients`);
  const connect = percentiles(clients.map((c) => c.connectMs));
  const connectedMs = Math.round(now() - connectBegin);
  // a position on every subscription before the restart, so that every client resumes with `since`
  for (const p of publishers) p.start();
  await within(options.connectTimeoutMs, until(() => clients.every((c) => c.last > 0)), 'a first message on every client');
  const restart = restartAnnounced();
  emit('connected', { clients: clients.length, channels, ms: connectedMs, connectMs: connect });

  const everyoneBack = new Promise((resolve) => { storm.onAllResumed = resolve; });
  await restart;
  await within(options.stormTimeoutMs, everyoneBack, 'every client coming back after the restart');
  storm.allResumed = now();
  emit('reconnected', {
    clients: clients.length,
    allBackMs: Math.round(storm.allResumed - storm.downAt),
    reconnectMs: percentiles(clients.map((c) => c.resumedAt - storm.downAt)),
  });
  await new Promise((r) => setTimeout(r, options.tailMs));
  await within(options.drainTimeoutMs, Promise.all(publishers.map((p) => p.stop())), 'the last publications settling');
  const drained = () => clients.every((c) => {
    const last = Math.max(0, ...publishers.find((p) => p.channel === c.channel).acked.map((a) => a.seq));
    return c.last >= last;
  });
  await within(options.drainTimeoutMs, until(drained), 'every acknowledged message reaching every client').catch((e) => fail(e.message));
  return verdict({ connectMs: connect });
}

let ok = false;
try {
  ok = await main();
} catch (e) {
  fail(String(e?.message ?? e));
  verdict({ error: String(e?.message ?? e) });
} finally {
  storm.finished = true;
  clearInterval(progress);
  for (const p of publishers) { clearInterval(p.timer); p.sb.close(); }
  for (const c of clients) c.sb.close();
}
process.exit(ok ? 0 : 1);

function parse(argv, defaults) {
  const out = { ...defaults };
  for (const arg of argv) {
    const m = /^--([A-Za-z-]+)=(.*)$/.exec(arg);
    if (!m) throw new Error(`unknown argument ${arg}`);
    const key = m[1].replace(/-([a-z])/g, (_, ch) => ch.toUpperCase());
    if (!(key in defaults)) throw new Error(`unknown option --${m[1]}`);
    out[key] = typeof defaults[key] === 'number' ? Number(m[2]) : m[2];
  }
  return out;
}
