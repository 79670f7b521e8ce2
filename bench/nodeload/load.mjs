#!/usr/bin/env node
// Switchboard benchmark, second load client (Node + ws). See README.md beside this file.
//
// The parent process forks --procs workers, gives each its share of the connections, drives the
// phases (connect, warm-up, measure, drain, hold) and merges the workers' raw measurements
// (histogram buckets, counters) into one result row. It opens no load connections itself, except
// the one that prepares the storm's channels.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { loadavg } from 'node:os';
import { parseArgs, USAGE } from './lib/args.mjs';
import { LogHist } from './lib/hist.mjs';
import { CpuMeter, rssBytes } from './lib/procfs.mjs';
import { emit, int, num, mb } from './lib/report.mjs';
import { Peer, target } from './lib/peer.mjs';
import { runWorker } from './lib/worker.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (text) => process.stderr.write(`${new Date().toISOString().slice(11, 23)} [nodeload] ${text}\n`);
const wallMs = () => performance.timeOrigin + performance.now();

// ---------------------------------------------------------------- workers
class Workers {
  constructor() {
    this.list = [];
    this.rid = 0;
    this.pending = new Map();
    this.stopping = false;
  }

  async start(o) {
    const script = fileURLToPath(import.meta.url);
    for (let k = 0; k < o.procs; k++) {
      const child = fork(script, [], { env: { ...process.env, NODELOAD_WORKER: String(k) } });
      child.on('message', (m) => {
        const p = this.pending.get(m.rid);
        if (!p) return;
        this.pending.delete(m.rid);
        if (m.ok) p.resolve(m.result);
        else p.reject(new Error(`worker ${k}: ${m.error}`));
      });
      child.on('exit', (code, signal) => {
        if (this.stopping) return;
        log(`worker ${k} (pid ${child.pid}) exited unexpectedly (${code ?? signal})`);
        for (const [rid, p] of this.pending) {
          if (p.k === k) {
            this.pending.delete(rid);
            p.reject(new Error(`worker ${k} exited`));
          }
        }
      });
      this.list.push(child);
    }
    await this.all('init', (k) => ({ o, index: k }));
  }

  get n() {
    return this.list.length;
  }

  get pids() {
    return this.list.map((c) => c.pid);
  }

  call(k, cmd, args) {
    const rid = ++this.rid;
    return new Promise((resolve, reject) => {
      this.pending.set(rid, { resolve, reject, k });
      this.list[k].send({ rid, cmd, args });
    });
  }

  /** The same command to every worker; args may be a function of the worker index. */
  all(cmd, args) {
    return Promise.all(this.list.map((_, k) => this.call(k, cmd, typeof args === 'function' ? args(k) : args)));
  }

  async stop() {
    this.stopping = true;
    await Promise.race([this.all('exit').catch(() => {}), sleep(2000)]);
    await sleep(100);
    for (const c of this.list) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  }

  kill() {
    this.stopping = true;
    for (const c of this.list) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  }
}

const sum = (arr, f) => arr.reduce((a, x) => a + f(x), 0);
const mergeCounts = (arr, f) => {
  const out = {};
  for (const x of arr) for (const [k, v] of Object.entries(f(x) || {})) out[k] = (out[k] || 0) + v;
  return out;
};
const mergeHist = (arr, f) => arr.reduce((h, x) => h.merge(LogHist.fromJSON(f(x))), new LogHist());
/** The workers' event-loop delay (p99 / max ms): how far the client itself was behind. */
const lagOf = (arr) => arr.map((x, k) => `w${k} ${x.loopLag.p99Ms}/${x.loopLag.maxMs}`).join(', ');
const fmtCounts = (c) =>
  Object.entries(c)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ');
/** Splits items over n workers round-robin: item j goes to worker j mod n. */
const split = (items, n) => {
  const parts = Array.from({ length: n }, () => []);
  items.forEach((x, j) => parts[j % n].push(x));
  return parts;
};

/** A percentile of a histogram in ms (p 100: the max), '-' without samples. */
function ms(h, p) {
  return h.n ? ((p >= 100 ? h.max : h.percentile(p)) / 1000).toFixed(2) : '-';
}

function describeHist(name, h) {
  if (!h.n) return `${name}: no samples`;
  const f = (us) => (us / 1000).toFixed(2);
  return `${name}: n=${h.n} p50 ${f(h.percentile(50))} p90 ${f(h.percentile(90))} p99 ${f(h.percentile(99))} p99.9 ${f(h.percentile(99.9))} max ${f(h.max)} ms`;
}

// ---------------------------------------------------------------- scenarios
async function connections(o, W) {
  const P = W.n;
  const n = o.conns;
  const rate = o['connect-rate'];
  const idle = (i) => ({ i, query: o.stack === 'switchboard' ? { name: `n${i}` } : {} });
  const warm = o['warm-conns'];
  if (warm > 0) {
    // warm this client's code paths (and the server's handshake path) before measuring
    const wr = Math.min(rate || 500, 500);
    const parts = split(Array.from({ length: warm }, (_, j) => idle(1_000_000 + j)), P);
    log(`warm-up: ${warm} connections at ${wr}/s, then closed`);
    await W.all('openIdle', (k) => ({ specs: parts[k], rate: wr / P, offsetMs: (k * 1000) / wr, graceS: 20 }));
    await W.all('closeAll');
    await W.all('reset');
    await sleep(3000);
  }
  const rssBefore = rssBytes(o['server-pid']);
  log(`server RSS before: ${mb(rssBefore)}`);
  const parts = split(Array.from({ length: n }, (_, i) => idle(i)), P);
  const meter = new CpuMeter(o['server-pid'], [process.pid, ...W.pids]);
  const t0 = performance.now();
  log(`opening ${n} connections at ${rate}/s over ${P} processes`);
  await W.all('openIdle', (k) => ({ specs: parts[k], rate: rate / P, offsetMs: rate ? (k * 1000) / rate : 0, graceS: 30 }));
  const openS = (performance.now() - t0) / 1000;
  const cpu = meter.delta();
  let st = await W.all('status');
  const ready = sum(st, (s) => s.ready);
  log(`${ready}/${n} ready in ${openS.toFixed(1)} s, failed ${sum(st, (s) => s.failed)} ${fmtCounts(mergeCounts(st, (s) => s.failReasons))}; the pacer was at most ${Math.max(...st.map((s) => s.pacerLagMs)).toFixed(0)} ms behind its schedule`);
  const holdStart = performance.now();
  await sleep(Math.min(3000, o.hold * 1000));
  const rssAfter = rssBytes(o['server-pid']);
  log(`server RSS with ${ready} connections: ${mb(rssAfter)}`);
  await sleep(Math.max(0, o.hold * 1000 - (performance.now() - holdStart)));
  const rep = await W.all('report');
  const failed = sum(rep, (s) => s.failed);
  const closed = sum(rep, (s) => s.closedByServer);
  const notSettled = n - ready - failed; // neither ready nor failed by the end of the connect phase
  log(`client event-loop delay p99/max ms since the connect phase: ${lagOf(rep)}`);
  log(`held ${o.hold} s; closed by server ${closed} ${fmtCounts(mergeCounts(rep, (s) => s.closeCodes))}`);
  const hist = mergeHist(rep, (s) => s.connectHist);
  await W.all('closeAll');
  const bad = failed + notSettled;
  const perConn = rssBefore != null && rssAfter != null && ready > 0 ? `${((rssAfter - rssBefore) / 1024 / ready).toFixed(1)} KB RSS` : '';
  return {
    scenario: 'connections',
    label: 'connections',
    load: `${int(n)} conns @ ${int(rate)}/s, held ${o.hold} s`,
    result: `${int(ready)} open (${(ready / openS).toFixed(0)}/s)`,
    loss: bad + closed === 0 ? '0' : `${bad} failed, ${closed} closed`,
    hist,
    cpu,
    memory: perConn,
    extra: {
      conns: n,
      ready,
      failed: bad,
      closed,
      failReasons: mergeCounts(rep, (s) => s.failReasons),
      openSeconds: +openS.toFixed(3),
      pacerLagMs: Math.round(Math.max(...rep.map((s) => s.pacerLagMs))),
      clientLoopLag: rep.map((x) => x.loopLag),
      serverRssBefore: rssBefore,
      serverRssAfter: rssAfter,
    },
  };
}

/** Waits until `expected` measured deliveries arrived, at most `seconds`, less after 3 s without progress. */
async function drainMeasured(W, expected, seconds) {
  const drainEnd = performance.now() + seconds * 1000;
  let last = -1;
  let lastChange = performance.now();
  for (;;) {
    const got = sum(await W.all('status'), (s) => s.recvMeasured);
    if (got >= expected || performance.now() >= drainEnd) break;
    if (got !== last) {
      last = got;
      lastChange = performance.now();
    } else if (performance.now() - lastChange > 3000) break;
    await sleep(100);
  }
}

/**
 * The storm's held connections: `held` connections in rooms of two (each room in one worker, one
 * clock) that publish `held-rate` msgs/s each from before the storm until it is over.
 */
async function openHeld(o, W, stamp, firstIndex) {
  const held = Math.floor(o.held / 2) * 2;
  const parts = Array.from({ length: W.n }, () => []);
  for (let q = 0; q < held / 2; q++) {
    const channel = `${o['channel-prefix']}storm-${stamp}-held${q}`;
    for (const i of [2 * q, 2 * q + 1]) {
      parts[q % W.n].push({ i: firstIndex + i, query: { name: `h${i}` }, subscribe: channel, publish: channel });
    }
  }
  await W.all('openPub', (k) => ({ specs: parts[k], rate: 500 / W.n, offsetMs: (k * 1000) / 500, graceS: 30, clockKind: 'hr', periodMs: 1000 / o['held-rate'], ackIds: true }));
  const ready = sum(await W.all('status'), (s) => s.ready);
  if (ready < held) throw new Error(`only ${ready} of ${held} held connections ready`);
  await W.all('publish', { phase: 'warmup' });
  await sleep(2000);
  await W.all('publish', { phase: 'measure' });
  return held;
}

/**
 * The storm is over: the held connections stop; every publication's answer is awaited (at most
 * 15 s, no stall rule: a refusal comes only at the hub's publish timeout, 5 s by default), what was
 * not refused is drained (10 s at most), and each publication's fate is summed up.
 */
async function heldDuringStorm(o, W, held) {
  await W.all('publish', { phase: 'stop' });
  const sent = sum(await W.all('status'), (s) => s.sentMeasured);
  const t0 = performance.now();
  while (performance.now() - t0 < 15000 && sum(await W.all('status'), (s) => s.answered) < sent) await sleep(100);
  const answerWait = (performance.now() - t0) / 1000;
  const refusedNow = sum(await W.all('fates'), (f) => f.refusedAfterMs.length);
  await drainMeasured(W, 2 * (sent - refusedNow), 10); // both members of a room receive each message
  const rep = await W.all('report');
  const fates = await W.all('fates');
  const hist = mergeHist(rep, (s) => s.latHist);
  const refusedAfterMs = fates.flatMap((f) => f.refusedAfterMs).sort((a, b) => a - b);
  const refused = refusedAfterMs.length;
  const refusedDelivered = sum(fates, (f) => f.refusedDelivered);
  const unanswered = sum(fates, (f) => f.unanswered);
  const missing = sum(fates, (f) => f.missing);
  const errors = sum(rep, (s) => s.errorReplies);
  const closed = sum(rep, (s) => s.closedByServer);
  log(
    `held connections during the storm: ${held} in rooms of 2 at ${o['held-rate']} msg/s each, ${int(sent)} sent; ` +
      `refused ${refused} (answered after ${refusedAfterMs.join(', ') || '-'} ms; ${refusedDelivered} of them delivered anyway), ` +
      `${unanswered} unanswered (all answered after ${answerWait.toFixed(1)} s); ${int(missing)} deliveries missing of the rest, ${closed} closed; ` +
      `error replies ${errors}${errors ? ` ${fmtCounts(mergeCounts(rep, (s) => s.errorCodes))}` : ''}; ${describeHist('delivery', hist)}`,
  );
  return { held, sent, refused, refusedAfterMs, refusedDelivered, unanswered, missing, errors, closed, hist };
}

/** rooms and fan-out: connect, warm up, measure, drain. */
async function publishRun(o, W, { scenario, label, load, partsOf, recipients, clockKind, periodMs }) {
  const P = W.n;
  const rate = o['connect-rate'];
  const total = sum(partsOf, (p) => p.length);
  log(`opening ${total} connections at ${rate}/s over ${P} processes`);
  await W.all('openPub', (k) => ({ specs: partsOf[k], rate: rate / P, offsetMs: rate ? (k * 1000) / rate : 0, graceS: 60, clockKind, periodMs }));
  let st = await W.all('status');
  const ready = sum(st, (s) => s.ready);
  if (ready < total) log(`WARNING: only ${ready} of ${total} ready (${fmtCounts(mergeCounts(st, (s) => s.failReasons))})`);
  const setupRetries = sum(st, (s) => s.setupRetries);
  log(`connect phase: ${ready} ready, ${setupRetries} handshakes refused and retried (${fmtCounts(mergeCounts(st, (s) => s.setupRefused)) || 'none'}); the pacer was at most ${Math.max(...st.map((s) => s.pacerLagMs)).toFixed(0)} ms behind its schedule`);
  await sleep(2000);
  await W.all('publish', { phase: 'warmup' });
  log(`warm-up ${o.warmup} s`);
  await sleep(o.warmup * 1000);
  const meter = new CpuMeter(o['server-pid'], [process.pid, ...W.pids]);
  const loadAvg = loadavg().map((x) => +x.toFixed(2));
  const t0 = performance.now();
  await W.all('publish', { phase: 'measure' });
  log(`measuring ${o.duration} s`);
  await sleep(o.duration * 1000);
  await W.all('publish', { phase: 'stop' });
  const secs = (performance.now() - t0) / 1000;
  const cpu = meter.delta();
  st = await W.all('status');
  const sent = sum(st, (s) => s.sentMeasured);
  const inWindow = sum(st, (s) => s.recvInWindow);
  const expected = sent * recipients;
  await drainMeasured(W, expected, o.drain);
  const rep = await W.all('report');
  const received = sum(rep, (s) => s.recvMeasured);
  const lost = expected - received;
  const errors = sum(rep, (s) => s.errorReplies);
  const closed = sum(rep, (s) => s.closedByServer);
  const behind = sum(rep, (s) => s.behind);
  const hist = mergeHist(rep, (s) => s.latHist);
  log(`sent ${int(sent)} in ${secs.toFixed(1)} s (${(sent / secs).toFixed(0)}/s; ${behind} times >1 s behind), expected ${int(expected)} deliveries, received ${int(inWindow)} in window + ${int(received - inWindow)} after, lost ${int(lost)}`);
  log(`error replies ${errors} ${fmtCounts(mergeCounts(rep, (s) => s.errorCodes))}, closed by server ${closed} ${fmtCounts(mergeCounts(rep, (s) => s.closeCodes))}, failed ${sum(rep, (s) => s.failed)}`);
  log(describeHist('latency', hist));
  log(`client event-loop delay p99/max ms over the window and drain: ${lagOf(rep)}`);
  const rss = rssBytes(o['server-pid']);
  await W.all('closeAll');
  let loss = lost === 0 ? '0' : `${int(lost)} (${((100 * lost) / Math.max(1, expected)).toFixed(2)}%)`;
  if (errors > 0 || closed > 0) loss += `; ${errors} err replies, ${closed} closed`;
  return {
    scenario,
    label,
    load,
    result: `${int(inWindow / secs)} deliveries/s (${int(sent / secs)} msg/s sent)`,
    loss,
    hist,
    cpu,
    memory: o['server-pid'] ? `RSS ${mb(rss)}` : '',
    loadAvg,
    extra: {
      connections: total,
      ready,
      setupRetries,
      sent,
      expected,
      receivedInWindow: inWindow,
      received,
      lost,
      errorReplies: errors,
      errorCodes: mergeCounts(rep, (s) => s.errorCodes),
      closed,
      behind,
      clientLoopLag: rep.map((x) => x.loopLag),
      deliveriesPerSec: +(inWindow / secs).toFixed(1),
      sentPerSec: +(sent / secs).toFixed(1),
      serverRss: rss,
    },
  };
}

async function rooms(o, W) {
  const n = Math.floor(o.conns / 2) * 2;
  const r = o['per-conn-rate'];
  const prefix = o['channel-prefix'];
  // room q (members 2q and 2q+1) lives wholly in worker q mod P: one clock for both members
  const parts = Array.from({ length: W.n }, () => []);
  for (let q = 0; q < n / 2; q++) {
    const channel = `${prefix}room${q}`;
    for (const i of [2 * q, 2 * q + 1]) {
      parts[q % W.n].push(
        o.stack === 'switchboard'
          ? { i, query: { name: `n${i}` }, subscribe: channel, publish: channel }
          : { i, query: { room: channel }, publish: channel },
      );
    }
  }
  return publishRun(o, W, {
    scenario: 'rooms',
    label: 'rooms',
    load: `${int(n)} conns, ${int(n / 2)} rooms x 2, ${num(r)} msg/s each (${num(r * n)} msg/s)`,
    partsOf: parts,
    recipients: 2,
    clockKind: 'hr',
    periodMs: 1000 / r,
  });
}

async function fanout(o, W) {
  const subs = o.subs;
  const pubs = o.publishers;
  const channel = o.channel;
  // the wall clock is shared by all processes: check that the workers agree with this one
  // (the round trip with the shortest time of 20 bounds the offset best)
  for (let k = 0; k < W.n; k++) {
    let best = null;
    for (let j = 0; j < 20; j++) {
      const a = wallMs();
      const { wall } = await W.call(k, 'clock');
      const b = wallMs();
      if (!best || b - a < best.rtt) best = { rtt: b - a, off: wall - (a + b) / 2 };
    }
    log(`clock of worker ${k}: ${best.off.toFixed(3)} ms from the parent's (±${(best.rtt / 2).toFixed(3)} ms)`);
  }
  const specs = [];
  for (let i = 0; i < subs; i++) {
    specs.push(o.stack === 'switchboard' ? { i, query: { name: `n${i}` }, subscribe: channel } : { i, query: { room: channel } });
  }
  const parts = split(specs, W.n);
  for (let j = 0; j < pubs; j++) {
    const i = subs + j;
    parts[j % W.n].push(
      o.stack === 'switchboard' ? { i, query: { name: `n${i}` }, publish: channel } : { i, query: { room: channel, pub: 1 }, publish: channel },
    );
  }
  return publishRun(o, W, {
    scenario: 'fanout',
    label: 'fan-out',
    load: `${int(subs)} subs, ${pubs} pub${pubs > 1 ? 's' : ''}, ${num(o.rate)} msg/s`,
    partsOf: parts,
    recipients: subs,
    clockKind: 'wall',
    periodMs: (1000 * pubs) / o.rate,
  });
}

/** Publishes one message on each channel and returns each one's position from the ok reply. */
async function prepareStorm(o, channels) {
  const tgt = target(o.url, o.stack);
  const peer = new Peer(tgt, { name: 'nprep' }, o.sources[0] || null, 15000);
  await new Promise((resolve, reject) => {
    peer.onReady = resolve;
    peer.onFail = (p, info) => reject(new Error(`preparation connection failed: ${JSON.stringify(info)}`));
    peer.start();
  });
  const positions = new Array(channels.length).fill(null);
  const waiting = new Map(); // id -> channel index
  let left = channels.length;
  let done;
  let fail;
  const allDone = new Promise((res, rej) => {
    done = res;
    fail = rej;
  });
  const send = (k) => {
    const id = `p${k}`;
    waiting.set(id, k);
    peer.send(JSON.stringify({ type: 'publish', id, channel: channels[k], data: { storm: k } }));
  };
  peer.onEnvelope = (p, env) => {
    if (env.type !== 'reply' || !waiting.has(env.id)) return;
    const k = waiting.get(env.id);
    waiting.delete(env.id);
    const d = env.data || {};
    if (d.ok && d.epoch != null && d.seq != null) {
      positions[k] = { epoch: d.epoch, seq: d.seq };
      if (--left === 0) done();
    } else if (d.ok) {
      fail(new Error(`publish on ${channels[k]} answered without a position (a live-only channel?): ${JSON.stringify(d)}`));
    } else {
      log(`preparation: publish on ${channels[k]}: ${d.error?.code}; again in 1 s`);
      setTimeout(() => send(k), 1000);
    }
  };
  for (let k = 0; k < channels.length; k++) {
    send(k);
    await sleep(20); // 50/s: under the hub's 100 publications/s per connection
  }
  await Promise.race([allDone, sleep(60000).then(() => Promise.reject(new Error('preparation: not every publish answered in 60 s')))]);
  await peer.close(2000);
  return positions;
}

async function stormScenario(o, W) {
  const N = o.clients;
  const K = o.channels;
  const stamp = Date.now();
  const channels = Array.from({ length: K }, (_, k) => `${o['channel-prefix']}storm-${stamp}-${k}`);
  log(`preparing ${K} channels (${channels[0]} …): one publication each`);
  const positions = await prepareStorm(o, channels);
  log(`positions: ${channels[0]} at ${JSON.stringify(positions[0])}, …`);
  const held = o.held > 0 ? await openHeld(o, W, stamp, N + 1) : 0;
  if (held) log(`${held} held connections publishing ${o['held-rate']} msg/s each`);
  const clients = Array.from({ length: N }, (_, i) => ({ i, channel: channels[i % K], since: positions[i % K] }));
  const parts = split(clients, W.n);
  const inflightOf = (k) => Math.floor(o.inflight / W.n) + (k < o.inflight % W.n ? 1 : 0);
  await sleep(1000);
  const loadAvg = loadavg().map((x) => +x.toFixed(2));
  const meter = new CpuMeter(o['server-pid'], [process.pid, ...W.pids]);
  const startWall = wallMs();
  log(`storm: ${N} clients on ${K} channels, at most ${o.inflight} handshakes in flight, give up after ${o['storm-timeout']} s`);
  const runs = await W.all('stormRun', (k) => ({
    clients: parts[k],
    inflight: Math.max(1, inflightOf(k)),
    timeoutS: o['storm-timeout'],
    handshakeTimeoutS: o['handshake-timeout'],
  }));
  const cpu = meter.delta();
  const heldStats = held ? await heldDuringStorm(o, W, held) : null;
  const live = sum(runs, (r) => r.live);
  const allLive = live === N;
  const lastLive = Math.max(...runs.map((r) => r.lastLiveWall ?? -Infinity));
  const tAll = allLive ? (lastLive - startWall) / 1000 : null;
  log(allLive ? `all ${N} live in ${tAll.toFixed(2)} s; holding ${o.hold} s` : `NOT all live: ${live}/${N}; holding ${o.hold} s`);
  await sleep(o.hold * 1000);
  const rep = await W.all('stormReport');
  const rss = rssBytes(o['server-pid']);
  await W.all('stormClose');
  if (held) await W.all('closeAll');
  const ttl = mergeHist(rep, (r) => r.ttl);
  const handshake = mergeHist(rep, (r) => r.handshake);
  const refused = mergeCounts(rep, (r) => r.refused);
  const refusedTotal = Object.values(refused).reduce((a, b) => a + b, 0);
  const notLive = sum(rep, (r) => r.notLive);
  const dropped = sum(rep, (r) => r.dropped);
  const retries = sum(rep, (r) => r.retries);
  const unrecovered = sum(rep, (r) => r.unrecovered);
  const reasons = mergeCounts(rep, (r) => r.failReasons);
  log(describeHist('time to live', ttl));
  log(describeHist('handshake (to welcome)', handshake));
  log(`client event-loop delay p99/max ms during the storm and hold: ${lagOf(rep)}`);
  log(`refused ${refusedTotal} ${fmtCounts(refused)}; retries ${retries}; failures by reason: ${fmtCounts(reasons) || 'none'}; unrecovered ${unrecovered}; dropped ${dropped}; max in flight ${sum(rep, (r) => r.maxInflight)}`);
  let loss = `${notLive} failed, ${dropped} dropped, ${refusedTotal} refused`;
  if (refusedTotal) loss += ` (${fmtCounts(refused)})`;
  loss += `, ${retries} retries`;
  if (unrecovered) loss += `, ${unrecovered} not recovered`;
  return {
    scenario: 'storm',
    label: 'reconnect storm',
    load: `${int(N)} clients, ${int(K)} channels, inflight ${o.inflight}`,
    result: allLive ? `all live in ${tAll.toFixed(2)} s` : `not all live (${int(live)} of ${int(N)} in ${o['storm-timeout']} s)`,
    loss,
    hist: ttl,
    cpu,
    memory: (o['server-pid'] ? `RSS ${mb(rss)}` : '') + (heldStats
      ? `; held ${held}: p50 ${ms(heldStats.hist, 50)} p99 ${ms(heldStats.hist, 99)} max ${ms(heldStats.hist, 100)} ms, ` +
        `${heldStats.refused} refused (${heldStats.refusedDelivered} delivered anyway), ${heldStats.unanswered} unanswered, ` +
        `${heldStats.missing} deliveries missing, ${heldStats.closed} closed`
      : ''),
    loadAvg,
    extra: {
      held: heldStats && { ...heldStats, hist: undefined, p50: ms(heldStats.hist, 50), p99: ms(heldStats.hist, 99), max: ms(heldStats.hist, 100) },
      clients: N,
      channels: K,
      inflight: o.inflight,
      allLive,
      allLiveSeconds: tAll == null ? null : +tAll.toFixed(3),
      live,
      failed: notLive,
      dropped,
      refused,
      refusedTotal,
      retries,
      unrecovered,
      failReasons: reasons,
      clientLoopLag: rep.map((x) => x.loopLag),
      handshakeMs: handshake.n
        ? { p50: +(handshake.percentile(50) / 1000).toFixed(3), p99: +(handshake.percentile(99) / 1000).toFixed(3), max: +(handshake.max / 1000).toFixed(3) }
        : null,
      serverRss: rss,
    },
  };
}

// ---------------------------------------------------------------- main
/** Upper bound of a scenario's run time in s (the watchdog: every run ends by itself). */
function bound(o) {
  const connect = (n) => (o['connect-rate'] ? n / o['connect-rate'] : 0) + 60;
  switch (o.scenario) {
    case 'connections':
      return (o['warm-conns'] ? o['warm-conns'] / 500 + 30 : 0) + connect(o.conns) + o.hold + 30;
    case 'rooms':
      return connect(o.conns) + o.warmup + o.duration + o.drain + 30;
    case 'fanout':
      return connect(o.subs + o.publishers) + o.warmup + o.duration + o.drain + 30;
    case 'storm':
      return 70 + o['storm-timeout'] + o.hold + 30;
    default:
      return 600;
  }
}

async function main() {
  let o;
  try {
    o = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${e.message}\n${USAGE}\n`);
    process.exit(2);
  }
  const W = new Workers();
  const limit = bound(o);
  const watchdog = setTimeout(() => {
    log(`WATCHDOG: the run did not end within ${limit.toFixed(0)} s; stopping the workers`);
    W.kill();
    process.exit(4);
  }, limit * 1000);
  watchdog.unref();
  const onSignal = (sig) => {
    log(`${sig}: stopping the workers`);
    W.kill();
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  log(`${o.scenario} on ${o.stack} at ${o.url}, ${o.procs} processes, sources ${o.sources.length ? `${o.sources[0]}…${o.sources.at(-1)}` : 'kernel'}, server pid ${o['server-pid'] ?? 'none'}, load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  await W.start(o);
  const run = { connections, rooms, fanout, storm: stormScenario }[o.scenario];
  let res;
  try {
    res = await run(o, W);
  } catch (e) {
    log(`FAILED: ${e.stack || e}`);
    W.kill();
    process.exit(1);
  }
  emit(o, res);
  await W.stop();
  clearTimeout(watchdog);
  process.exit(0);
}

if (process.env.NODELOAD_WORKER !== undefined) runWorker();
else main();
