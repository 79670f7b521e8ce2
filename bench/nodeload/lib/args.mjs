// Command line: --name value (or --name=value). Unknown names are an error, so a typo in a
// wrapper script fails loudly instead of silently running the default.

const SCENARIOS = ['connections', 'rooms', 'fanout', 'storm'];
const STACKS = ['switchboard', 'bare'];

// name -> default (undefined: no default); numbers are parsed as numbers
const COMMON = {
  scenario: undefined,
  stack: 'switchboard',
  url: undefined,
  procs: undefined, // 2 for every scenario (see README)
  sources: '127.0.0.2-127.0.0.9',
  'server-pid': undefined,
  label: undefined,
  tag: '',
  out: undefined,
  'connect-rate': 1000,
  'channel-prefix': '',
};
const PER_SCENARIO = {
  connections: { conns: 5000, hold: 20, 'warm-conns': 200 },
  rooms: { conns: 2000, 'per-conn-rate': 5, warmup: 10, duration: 30, drain: 10 },
  fanout: { subs: 1000, rate: 50, publishers: undefined, channel: 'fanout', warmup: 10, duration: 30, drain: 10 },
  storm: { clients: 10000, channels: 100, inflight: 500, 'storm-timeout': 60, hold: 5, 'handshake-timeout': 15, held: 200, 'held-rate': 2 },
};
const NUMERIC = new Set([
  'procs', 'server-pid', 'connect-rate', 'conns', 'hold', 'warm-conns', 'per-conn-rate', 'warmup', 'duration',
  'drain', 'subs', 'rate', 'publishers', 'clients', 'channels', 'inflight', 'storm-timeout', 'handshake-timeout',
  'held', 'held-rate',
]);

export const USAGE = `usage: node load.mjs --scenario connections|rooms|fanout|storm --stack switchboard|bare
       --url ws://127.0.0.1:8080/switchboard/ws [--procs 2] [--sources 127.0.0.2-127.0.0.9|none]
       [--server-pid PID] [--label TEXT] [--tag TEXT] [--out FILE] [scenario options]
  connections: --conns 5000 --connect-rate 1000 --hold 20 --warm-conns 200
  rooms:       --conns 2000 --per-conn-rate 5 --warmup 10 --duration 30 --drain 10 [--channel-prefix P]
  fanout:      --subs 1000 --rate 50 [--publishers ceil(rate/80)] --warmup 10 --duration 30 --drain 10 [--channel fanout]
  storm:       --clients 10000 --channels 100 --inflight 500 --storm-timeout 60 --hold 5 [--channel-prefix P]
               [--handshake-timeout 15] [--held 200 --held-rate 2]   (switchboard only)`;

export function parseArgs(argv) {
  const raw = {};
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k];
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}`);
    const eq = a.indexOf('=');
    let name, value;
    if (eq > 0) {
      name = a.slice(2, eq);
      value = a.slice(eq + 1);
    } else {
      name = a.slice(2);
      value = argv[++k];
      if (value === undefined) throw new Error(`--${name} needs a value`);
    }
    raw[name] = value;
  }
  const scenario = raw.scenario;
  if (!SCENARIOS.includes(scenario)) throw new Error(`--scenario must be one of ${SCENARIOS.join('|')}`);
  const defaults = { ...COMMON, ...PER_SCENARIO[scenario] };
  const known = new Set([...Object.keys(COMMON), ...Object.values(PER_SCENARIO).flatMap(Object.keys)]);
  for (const name of Object.keys(raw)) {
    if (!known.has(name)) throw new Error(`unknown option --${name}`);
    // an option of another scenario (a wrapper passing one set to all) is ignored, and said so
    if (!(name in defaults)) process.stderr.write(`note: --${name} does not apply to ${scenario}; ignored\n`);
  }
  const o = {};
  for (const [name, def] of Object.entries(defaults)) {
    let v = name in raw ? raw[name] : def;
    if (v !== undefined && NUMERIC.has(name)) {
      const num = Number(v);
      if (!Number.isFinite(num) || num < 0) throw new Error(`--${name} must be a non-negative number, not ${v}`);
      v = num;
    }
    o[name] = v;
  }
  if (!STACKS.includes(o.stack)) throw new Error(`--stack must be one of ${STACKS.join('|')}`);
  if (!o.url) throw new Error('--url is required');
  const url = new URL(o.url);
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') throw new Error('--url must be ws:// or wss://');
  if (scenario === 'storm' && o.stack !== 'switchboard') throw new Error('storm needs --stack switchboard (it resumes with since)');
  o.procs = Math.max(1, Math.floor(o.procs ?? 2));
  o.sources = parseSources(o.sources);
  if (scenario === 'fanout' && o.publishers === undefined) o.publishers = Math.max(1, Math.ceil(o.rate / 80));
  return o;
}

/** "127.0.0.2-127.0.0.9", "127.0.0.2-9", "a,b,c" or "none" -> list of addresses ([] = kernel picks). */
export function parseSources(spec) {
  if (!spec || spec === 'none') return [];
  const out = [];
  for (const part of String(spec).split(',')) {
    const dash = part.indexOf('-');
    if (dash < 0) {
      out.push(part.trim());
      continue;
    }
    const from = part.slice(0, dash).trim().split('.').map(Number);
    const toSpec = part.slice(dash + 1).trim();
    const toLast = toSpec.includes('.') ? Number(toSpec.split('.').pop()) : Number(toSpec);
    if (from.length !== 4 || from.some((x) => !(x >= 0 && x <= 255)) || !(toLast >= from[3] && toLast <= 255)) {
      throw new Error(`bad --sources range ${part}`);
    }
    for (let x = from[3]; x <= toLast; x++) out.push(`${from[0]}.${from[1]}.${from[2]}.${x}`);
  }
  return out;
}
