// A worker process: owns a share of the connections and does what the parent asks, one command
// at a time ({rid, cmd, args} -> {rid, ok, result|error}). Measurements go back raw (histogram
// buckets and counters); the parent merges them.
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { LogHist } from './hist.mjs';
import { Peer, target } from './peer.mjs';

const HR0 = process.hrtime.bigint();
/** ns since this process started (rooms: both members of a room live in this process). */
const hrNs = () => Number(process.hrtime.bigint() - HR0);
/** Wall-clock ms shared by all processes of the machine (fan-out: publisher and subscribers may differ). */
const wallMs = () => performance.timeOrigin + performance.now();

// how late this process's timers and I/O callbacks run: a stalled client inflates every latency
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
const loopLag = () => ({ p99Ms: +(loopDelay.percentile(99) / 1e6).toFixed(1), maxMs: +(loopDelay.max / 1e6).toFixed(1) });

let o; // options
let me = 0; // worker index
let tgt;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (fmt) => process.stderr.write(`${new Date().toISOString().slice(11, 23)} [w${me}] ${fmt}\n`);

// ---------------------------------------------------------------- state of the current phase
let conns = []; // {peer, spec, ...}
let stats;
function resetStats() {
  stats = {
    ready: 0,
    failed: 0,
    failReasons: {},
    closedByServer: 0,
    closeCodes: {},
    connectHist: new LogHist(),
    latHist: new LogHist(),
    sentMeasured: 0,
    sentWarm: 0,
    recvMeasured: 0,
    recvInWindow: 0,
    recvWarm: 0,
    errorReplies: 0,
    errorCodes: {},
    behind: 0,
    pacerLagMs: 0,
    setupRetries: 0,
    setupRefused: {},
  };
}
resetStats();
const bump = (map, key) => (map[key] = (map[key] || 0) + 1);

function source(i) {
  return o.sources.length ? o.sources[i % o.sources.length] : null;
}

/**
 * Opens the given connections paced at `rate`/s (this process's share), starting offsetMs from
 * now. Each spec is settled when prepare(c) calls c.settle() (ready) or the peer fails. Resolves
 * once all are settled, or `graceS` s after the last one was started.
 */
function openPaced(specs, rate, offsetMs, graceS, prepare, retryRefused = false) {
  return new Promise((resolve) => {
    let started = 0;
    let settled = 0;
    let finished = false;
    const t0 = performance.now() + offsetMs;
    let graceTimer = null;
    const finish = () => {
      if (finished) return;
      finished = true;
      clearInterval(ticker);
      clearTimeout(graceTimer);
      resolve({ started, settled });
    };
    const settleOne = () => {
      settled++;
      if (settled === specs.length) finish();
    };
    const startOne = (spec) => {
      const peer = new Peer(tgt, spec.query, source(spec.i), 15000);
      const c = { peer, spec, done: false };
      c.settle = (ok, reason) => {
        if (c.done) return;
        c.done = true;
        if (ok) {
          stats.ready++;
          stats.connectHist.add((performance.now() - peer.startedAt) * 1000);
        } else {
          stats.failed++;
          bump(stats.failReasons, reason);
        }
        settleOne();
      };
      peer.onFail = (p, info) => {
        if (retryRefused && !finished && info.kind === 'status' && (info.status === 503 || info.status === 429)) {
          // setup of rooms/fan-out: a refused handshake comes back after Retry-After x [0.5, 1.5]
          stats.setupRetries++;
          bump(stats.setupRefused, info.status);
          c.done = true; // this attempt is over; the retry is a new one
          setTimeout(() => {
            if (!finished) startOne(spec);
          }, (info.retryAfter ?? 1) * 1000 * (0.5 + Math.random()));
          return;
        }
        c.settle(false, info.kind === 'status' ? `HTTP ${info.status}` : info.message || info.kind);
      };
      peer.onClose = (p, code) => {
        if (!c.done) {
          c.settle(false, `closed ${code}`);
          return;
        }
        stats.closedByServer++;
        bump(stats.closeCodes, code);
      };
      prepare(c);
      conns.push(c);
      peer.start();
    };
    const ticker = setInterval(() => {
      const now = performance.now();
      const due = rate > 0 ? Math.min(specs.length, Math.floor(((now - t0) * rate) / 1000) + 1) : specs.length;
      // like a fixed schedule: a pacer that was held up catches up at once; how far behind it was is reported
      if (rate > 0 && started < due) stats.pacerLagMs = Math.max(stats.pacerLagMs, now - (t0 + (started * 1000) / rate));
      while (started < due) startOne(specs[started++]);
      if (started === specs.length) {
        clearInterval(ticker);
        graceTimer = setTimeout(finish, graceS * 1000);
      }
    }, 2);
    if (specs.length === 0) finish();
  });
}

async function closeAll() {
  const list = conns;
  conns = [];
  stopPublishing();
  await Promise.all(list.map((c) => c.peer.close(5000)));
}

// ---------------------------------------------------------------- publishing (rooms, fan-out)
let publishers = []; // {c, channel, periodMs, next}
let pubTicker = null;
let measuring = false;
let clock = 'hr'; // 'hr' (rooms) or 'wall' (fan-out)
let seq = 0;

/**
 * The storm's held publications carry an id (`p<seq>`), so each one's fate is counted, not
 * inferred: acknowledged, refused (after how long, and whether delivered anyway) or unanswered.
 * Only publishers opened with `ackIds` (the held connections); rooms and fan-out send no ids,
 * which would add an `ok` reply per message to the hub's work.
 */
let fates = null; // {sentAt: Map seq→ms, acked, refusedAfterMs: Map seq→ms, deliveries: Map seq→n}

function newFates() {
  return { sentAt: new Map(), acked: 0, refusedAfterMs: new Map(), deliveries: new Map() };
}

function answered(id, ok) {
  const n = Number(id.slice(1));
  const sentAt = fates.sentAt.get(n);
  if (sentAt === undefined || fates.refusedAfterMs.has(n)) return;
  if (ok) fates.acked++;
  else fates.refusedAfterMs.set(n, performance.now() - sentAt);
}

function publishOne(p) {
  const stamp = clock === 'hr' ? hrNs() : wallMs();
  const n = measuring ? ++seq : 0;
  const data = `{"t":${stamp},"seq":${n}}`;
  const id = p.ackIds && n > 0 ? `"id":"p${n}",` : '';
  const text = o.stack === 'switchboard' ? `{"type":"publish",${id}"channel":${JSON.stringify(p.channel)},"data":${data}}` : data;
  if (p.c.peer.send(text)) {
    if (n > 0) stats.sentMeasured++;
    else stats.sentWarm++;
    if (id) fates.sentAt.set(n, performance.now());
  }
}

function startPublishing() {
  const now = performance.now();
  for (const p of publishers) p.next = now + Math.random() * p.periodMs; // spread the phases
  pubTicker = setInterval(() => {
    const t = performance.now();
    for (const p of publishers) {
      if (p.c.peer.state !== 'ready') continue;
      if (t - p.next > 1000) {
        // more than 1 s behind its schedule: skip ahead rather than burst
        stats.behind++;
        p.next = t;
      }
      while (p.next <= t) {
        publishOne(p);
        p.next += p.periodMs;
      }
    }
  }, 2);
}

function stopPublishing() {
  clearInterval(pubTicker);
  pubTicker = null;
}

function deliver(d) {
  if (!d || typeof d.t !== 'number') return;
  if (!(d.seq > 0)) {
    stats.recvWarm++;
    return;
  }
  stats.recvMeasured++;
  if (measuring) stats.recvInWindow++;
  if (fates) fates.deliveries.set(d.seq, (fates.deliveries.get(d.seq) || 0) + 1);
  stats.latHist.add(clock === 'hr' ? (hrNs() - d.t) / 1000 : (wallMs() - d.t) * 1000);
}

/** Wires a connection's deliveries; subscribe first if channel (Switchboard). */
function listen(c, channel) {
  const peer = c.peer;
  if (o.stack === 'bare') {
    peer.onReady = () => c.settle(true);
    peer.onText = (p, text) => {
      try {
        deliver(JSON.parse(text));
      } catch {
        // not ours
      }
    };
    return;
  }
  peer.onReady = () => {
    if (channel) peer.send(JSON.stringify({ type: 'subscribe', id: 's', channel }));
    else c.settle(true);
  };
  peer.onEnvelope = (p, env) => {
    if (env.type === 'message') {
      deliver(env.data);
    } else if (env.type === 'reply') {
      const ok = env.data && env.data.ok;
      if (env.id === 's' && !c.done) {
        if (ok) c.settle(true);
        else c.settle(false, `subscribe: ${env.data?.error?.code}`);
        return;
      }
      if (fates && typeof env.id === 'string' && env.id[0] === 'p') answered(env.id, ok);
      if (!ok) {
        stats.errorReplies++;
        bump(stats.errorCodes, env.data?.error?.code || 'unknown');
      }
    }
  };
}

// ---------------------------------------------------------------- storm
let storm = null;

function stormRun({ clients, inflight, timeoutS, handshakeTimeoutS }) {
  const startedAt = performance.now();
  const deadline = startedAt + timeoutS * 1000;
  const st = {
    total: clients.length,
    live: 0,
    failed: 0,
    gaveUp: 0,
    dropped: 0,
    retries: 0,
    refused: {},
    failReasons: {},
    errorReplies: {},
    unrecovered: 0,
    inflight: 0,
    maxInflight: 0,
    ttl: new LogHist(),
    handshake: new LogHist(),
    lastLiveWall: null,
    ending: false,
  };
  storm = st;
  loopDelay.reset();
  const queue = [];
  const timers = new Set();
  let resolveRun;
  const done = new Promise((r) => (resolveRun = r));
  const checkDone = () => {
    if (st.live + st.gaveUp + st.unrecovered >= st.total) finish();
  };
  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    for (const t of timers) clearTimeout(t);
    clearInterval(progress);
    clearTimeout(deadlineTimer);
    // at the deadline, attempts still under way are abandoned: a client live later does not count
    for (const cl of clients) if (!cl.live && !cl.unrecovered && cl.peer) cl.peer.close(1000);
    resolveRun();
  };
  const progress = setInterval(() => {
    log(`storm: ${st.live}/${st.total} live, ${st.inflight} handshakes in flight, ${queue.length} queued, ${st.retries} retries, refused ${JSON.stringify(st.refused)}`);
  }, 5000);
  const deadlineTimer = setTimeout(() => {
    // whoever is not live now stays not live
    finish();
  }, Math.max(0, deadline - performance.now()));

  const retry = (cl, info) => {
    const now = performance.now();
    const reason = info.kind === 'status' ? `HTTP ${info.status}` : info.message || info.kind;
    bump(st.failReasons, reason);
    if (info.kind === 'status') bump(st.refused, info.status);
    const base = info.kind === 'status' && info.retryAfter != null ? info.retryAfter : 1;
    const delay = base * 1000 * (0.5 + Math.random());
    if (now + delay >= deadline) {
      st.gaveUp++;
      cl.gaveUp = true;
      checkDone();
      return;
    }
    st.retries++;
    const t = setTimeout(() => {
      timers.delete(t);
      queue.unshift(cl); // a retry takes the next free slot, ahead of first attempts
      pump();
    }, delay);
    timers.add(t);
  };

  const attempt = (cl) => {
    const peer = new Peer(tgt, { name: `n${cl.i}` }, source(cl.i), handshakeTimeoutS * 1000);
    cl.peer = peer;
    if (cl.firstAttempt == null) cl.firstAttempt = performance.now();
    cl.attempts = (cl.attempts || 0) + 1;
    st.inflight++;
    st.maxInflight = Math.max(st.maxInflight, st.inflight);
    let inSlot = true;
    const leaveSlot = () => {
      if (inSlot) {
        inSlot = false;
        st.inflight--;
        pump();
      }
    };
    let state = 'handshake'; // -> subscribing -> live | unrecovered | failed
    let replyTimer = null;
    const fail = (info) => {
      if (state !== 'handshake' && state !== 'subscribing') return;
      state = 'failed';
      clearTimeout(replyTimer);
      leaveSlot();
      peer.onClose = null;
      peer.close(1000);
      if (!finished) retry(cl, info);
    };
    peer.onFail = (p, info) => fail(info);
    peer.onReady = () => {
      st.handshake.add((performance.now() - peer.startedAt) * 1000);
      leaveSlot();
      state = 'subscribing';
      peer.send(JSON.stringify({ type: 'subscribe', id: 's', channel: cl.channel, since: cl.since }));
      replyTimer = setTimeout(() => fail({ kind: 'timeout', message: 'no subscribe reply' }), handshakeTimeoutS * 1000);
    };
    peer.onEnvelope = (p, env) => {
      if (env.type !== 'reply' || env.id !== 's' || state !== 'subscribing' || finished) return;
      clearTimeout(replyTimer);
      const d = env.data || {};
      if (d.ok && d.recovered === true) {
        state = 'live';
        cl.live = true;
        st.live++;
        st.ttl.add((performance.now() - cl.firstAttempt) * 1000);
        st.lastLiveWall = wallMs();
        checkDone();
      } else if (d.ok) {
        state = 'unrecovered'; // subscribed, but the hub could not give what was missed
        cl.unrecovered = true;
        st.unrecovered++;
        checkDone();
      } else {
        bump(st.errorReplies, d.error?.code || 'unknown');
        fail({ kind: 'reply', message: `reply ${d.error?.code}` });
      }
    };
    peer.onClose = (p, code) => {
      if (state === 'live' || state === 'unrecovered') {
        if (!st.ending) {
          st.dropped++;
          bump(st.failReasons, `dropped (close ${code})`);
          if (st.dropped <= 10) log(`client n${cl.i} dropped after ${state === 'live' ? 'live' : 'subscribe'}: close ${code}${st.dropped === 10 ? ' (no more of these lines)' : ''}`);
        }
        return;
      }
      fail({ kind: 'close', code, message: `closed ${code} before live` });
    };
    peer.start();
  };

  const pump = () => {
    while (!finished && st.inflight < inflight && queue.length) attempt(queue.shift());
  };
  for (const cl of clients) queue.push(cl);
  st.clients = clients;
  pump();
  return done.then(() => ({
    live: st.live,
    total: st.total,
    lastLiveWall: st.lastLiveWall,
    queuedAtEnd: queue.length,
  }));
}

function stormReport() {
  const st = storm;
  const notLive = st.clients.filter((c) => !c.live).length;
  return {
    total: st.total,
    live: st.live,
    notLive,
    gaveUp: st.gaveUp,
    unrecovered: st.unrecovered,
    dropped: st.dropped,
    retries: st.retries,
    refused: st.refused,
    failReasons: st.failReasons,
    errorReplies: st.errorReplies,
    maxInflight: st.maxInflight,
    lastLiveWall: st.lastLiveWall,
    loopLag: loopLag(),
    ttl: st.ttl.toJSON(),
    handshake: st.handshake.toJSON(),
  };
}

async function stormClose() {
  if (!storm) return;
  storm.ending = true;
  await Promise.all(storm.clients.filter((c) => c.peer).map((c) => c.peer.close(5000)));
}

// ---------------------------------------------------------------- commands
const commands = {
  init(args) {
    o = args.o;
    me = args.index;
    tgt = target(o.url, o.stack);
    return { pid: process.pid };
  },
  clock() {
    return { wall: wallMs() };
  },
  reset() {
    resetStats();
    loopDelay.reset();
    return {};
  },
  /** connections: idle connections, ready at the welcome / open. */
  async openIdle({ specs, rate, offsetMs, graceS }) {
    const r = await openPaced(specs, rate, offsetMs, graceS, (c) => listen(c, null));
    return { ...r, ready: stats.ready, failed: stats.failed };
  },
  /** rooms and fan-out: members/subscribers (with a channel) and publishers. */
  async openPub({ specs, rate, offsetMs, graceS, clockKind, periodMs, ackIds = false }) {
    clock = clockKind;
    if (ackIds) fates = newFates();
    const r = await openPaced(
      specs,
      rate,
      offsetMs,
      graceS,
      (c) => {
        listen(c, c.spec.subscribe);
        if (c.spec.publish) publishers.push({ c, channel: c.spec.publish, periodMs, next: 0, ackIds });
      },
      true,
    );
    return { ...r, ready: stats.ready, failed: stats.failed };
  },
  publish({ phase }) {
    if (phase === 'warmup') {
      measuring = false;
      startPublishing();
    } else if (phase === 'measure') {
      measuring = true;
      loopDelay.reset();
    } else if (phase === 'stop') {
      stopPublishing();
      measuring = false;
    }
    return { sentMeasured: stats.sentMeasured };
  },
  status() {
    const s = { ...stats, loopLag: loopLag(), answered: fates ? fates.acked + fates.refusedAfterMs.size : 0 };
    delete s.connectHist;
    delete s.latHist;
    return s;
  },
  /** The held publications' fates; deliveries missing counted for the ones not refused (2 each: both room members). */
  fates() {
    if (!fates) return { acked: 0, refusedAfterMs: [], refusedDelivered: 0, unanswered: 0, missing: 0 };
    let refusedDelivered = 0;
    let missing = 0;
    for (const n of fates.sentAt.keys()) {
      const got = fates.deliveries.get(n) || 0;
      if (fates.refusedAfterMs.has(n)) refusedDelivered += got > 0 ? 1 : 0;
      else missing += Math.max(0, 2 - got);
    }
    return {
      acked: fates.acked,
      refusedAfterMs: [...fates.refusedAfterMs.values()].map((x) => Math.round(x)),
      refusedDelivered,
      unanswered: fates.sentAt.size - fates.acked - fates.refusedAfterMs.size,
      missing,
    };
  },
  report() {
    return { ...commands.status(), connectHist: stats.connectHist.toJSON(), latHist: stats.latHist.toJSON() };
  },
  async closeAll() {
    await closeAll();
    publishers = [];
    fates = null;
    return {};
  },
  async stormRun(args) {
    return stormRun(args);
  },
  stormStatus() {
    return { live: storm?.live ?? 0, dropped: storm?.dropped ?? 0 };
  },
  stormReport() {
    return stormReport();
  },
  async stormClose() {
    await stormClose();
    return {};
  },
  async exit() {
    setTimeout(() => process.exit(0), 50);
    return {};
  },
};

export function runWorker() {
  process.on('message', async (m) => {
    try {
      const result = await commands[m.cmd](m.args || {});
      process.send({ rid: m.rid, ok: true, result });
    } catch (e) {
      process.send({ rid: m.rid, ok: false, error: e.stack || String(e) });
    }
  });
  process.on('disconnect', () => process.exit(0)); // the parent is gone
}
