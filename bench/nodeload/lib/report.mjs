// The result row, in the load client's table format (13 columns), and the JSON result line.
import { appendFileSync } from 'node:fs';
import { loadavg } from 'node:os';

export const int = (n) => Math.round(n).toLocaleString('en-US');
/** A rate as given: 5 -> "5", 2.5 -> "2.5". */
export const num = (x) => String(x);
const ms = (us) => (Number.isFinite(us) ? (us / 1000).toFixed(2) : '-');
const pct = (x) => (x == null ? '-' : `${x.toFixed(0)}%`);
export const mb = (b) => (b == null ? 'n/a' : `${(b / 1048576).toFixed(1)} MB`);

/**
 * @param o      options (label, tag, stack, out)
 * @param r      {scenario, label, load, result, loss, hist, cpu: {serverPct, clientPct}, memory, extra}
 */
export function emit(o, r) {
  let label = `${o.label || r.label} [node]`;
  if (o.tag) label += ` [${o.tag}]`;
  const h = r.hist;
  const p = (q) => (h && h.n ? h.percentile(q) : NaN);
  const figures = {
    p50: p(50),
    p90: p(90),
    p99: p(99),
    p999: p(99.9),
    max: h && h.n ? h.max : NaN,
  };
  const row = `| ${label} | ${o.stack} | ${r.load} | ${r.result} | ${r.loss} | ${ms(figures.p50)} | ${ms(figures.p90)} | ${ms(figures.p99)} | ${ms(figures.p999)} | ${ms(figures.max)} | ${pct(r.cpu.serverPct)} | ${pct(r.cpu.clientPct)} | ${r.memory ?? ''} |`;
  const json = {
    event: 'result',
    client: 'nodeload',
    scenario: r.scenario,
    label,
    stack: o.stack,
    url: o.url,
    procs: o.procs,
    load: r.load,
    result: r.result,
    loss: r.loss,
    samples: h ? h.n : 0,
    latencyMs: Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, Number.isFinite(v) ? +(v / 1000).toFixed(3) : null])),
    serverCpuPct: r.cpu.serverPct == null ? null : +r.cpu.serverPct.toFixed(1),
    clientCpuPct: +r.cpu.clientPct.toFixed(1),
    windowS: +r.cpu.wallS.toFixed(3),
    memory: r.memory ?? null,
    loadAvg: r.loadAvg ?? loadavg().map((x) => +x.toFixed(2)),
    ...r.extra,
    row,
  };
  process.stdout.write(`${row}\n${JSON.stringify(json)}\n`);
  if (o.out) appendFileSync(o.out, `${row}\n`);
  return row;
}
