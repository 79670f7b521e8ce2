// CPU time and RSS of processes, read from Linux /proc.
import { readFileSync } from 'node:fs';

const TICK_NS = 1e9 / 100; // USER_HZ is 100 on Linux

/** utime + stime of a process in ns, or null when it is gone or there is no /proc. */
export function cpuNs(pid) {
  if (!pid) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // fields after the command name (which may contain spaces and parentheses)
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * TICK_NS; // fields 14 (utime) and 15 (stime)
  } catch {
    return null;
  }
}

/** VmRSS of a process in bytes, or null. */
export function rssBytes(pid) {
  if (!pid) return null;
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/**
 * A CPU meter over a window: server = one PID, client = the sum over the client PIDs
 * (this process and its workers). delta() gives % of one core over the wall time since start.
 */
export class CpuMeter {
  constructor(serverPid, clientPids) {
    this.serverPid = serverPid;
    this.clientPids = clientPids;
    this.t0 = process.hrtime.bigint();
    this.s0 = cpuNs(serverPid);
    this.c0 = clientPids.map(cpuNs);
  }

  delta() {
    const wall = Number(process.hrtime.bigint() - this.t0);
    const s1 = cpuNs(this.serverPid);
    let client = 0;
    this.clientPids.forEach((pid, k) => {
      const c = cpuNs(pid);
      if (c != null && this.c0[k] != null) client += c - this.c0[k];
    });
    return {
      wallS: wall / 1e9,
      serverPct: s1 != null && this.s0 != null ? (100 * (s1 - this.s0)) / wall : null,
      clientPct: (100 * client) / wall,
    };
  }
}
