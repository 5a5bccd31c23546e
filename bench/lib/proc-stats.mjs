// CPU and memory of processes, read from Linux /proc.
//
// The CPU accounting follows the pigeon-bench kit 0.1.0 (lib/common.mjs,
// functions readStat, postgresCpu and machineCpu), which declares no license of
// its own; this adaptation is distributed under this repository's license,
// AGPL-3.0-only. Changes: PostgreSQL processes are limited to the children of
// the postmaster that serves the bench database, and backends that exit during
// a run keep the CPU they were last seen with.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

let clockTicks = 100;
try {
  clockTicks = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
} catch {
  // 100 is the value on every common Linux build.
}

/**
 * Reads `/proc/PID/stat`. Returns null when the process is gone.
 * Fields are numbered as in proc(5): ppid is field 4, utime 14, stime 15.
 */
export function readStat(pid) {
  let text;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }

  const close = text.lastIndexOf(')');
  const comm = text.slice(text.indexOf('(') + 1, close);
  const fields = text.slice(close + 2).split(' ');

  return { pid, comm, ppid: Number(fields[1]), cpuTicks: Number(fields[11]) + Number(fields[12]) };
}

/** CPU seconds (user + system) a process has used, or null when it is gone. */
export function processCpuSeconds(pid) {
  const stat = readStat(pid);

  return stat === null ? null : stat.cpuTicks / clockTicks;
}

/** Resident set size and its peak (VmHWM) in MiB, or null when the process is gone. */
export function processMemoryMiB(pid) {
  let text;
  try {
    text = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }

  const kib = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);

  return { rssMiB: kib('VmRSS') / 1024, peakRssMiB: kib('VmHWM') / 1024 };
}

/** Busy and steal CPU seconds of the whole machine, all cores together, from /proc/stat. */
export function machineCpuSeconds() {
  const values = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = values;

  // Steal is time the hypervisor gave to other guests, so it is not our work.
  return { busy: (user + nice + system + irq + softirq) / clockTicks, steal: steal / clockTicks };
}

/** Returns the 1-minute load average. */
export function loadAverage() {
  return Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
}

function commandLine(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0+$/, '').replace(/\0/g, ' ');
  } catch {
    return null;
  }
}

/**
 * Sorts one PostgreSQL child process by its title (`postgres: [cluster: ]user
 * database host(port) state`, or a background role such as `checkpointer`).
 * Returns 'ours' for work done for `database`, 'shared' for the server's own
 * background processes, and null for other databases' backends.
 */
function classifyPostgresChild(title, database) {
  const client = /^postgres: (?:[^:]+: )?(\S+) (\S+) (\S+\(\d+\)|\[local\]) /.exec(title);
  if (client !== null) {
    return client[2] === database ? 'ours' : null;
  }

  const autovacuum = /autovacuum worker (\S+)/.exec(title);
  if (autovacuum !== null) {
    return autovacuum[1] === database ? 'ours' : null;
  }

  // A parallel worker belongs to the backend that started it; the caller resolves that.
  if (/parallel worker for PID \d+/.test(title)) {
    return 'parallel';
  }

  return 'shared';
}

/**
 * Tracks the CPU that one PostgreSQL server spends for one database: the
 * postmaster, its shared background processes (checkpointer, WAL writer,
 * autovacuum launcher and others, which other databases' writes also keep
 * busy), and the backends, autovacuum and parallel workers of `database`.
 * Backends of other databases are left out. Call `sample()` often (every few
 * hundred milliseconds): a backend that exits keeps the CPU of its last sample.
 */
export class PostgresCpuTracker {
  constructor(postmasterPid, database) {
    this.postmasterPid = postmasterPid;
    this.database = database;
    this.baseline = new Map();
    this.latest = new Map();
  }

  /** Takes the first sample; CPU used before it is not counted. */
  start() {
    this.baseline = this.readTicks();
    this.latest = new Map(this.baseline);
  }

  sample() {
    for (const [pid, ticks] of this.readTicks()) {
      this.latest.set(pid, ticks);
    }
  }

  /** CPU seconds since `start()`, as of the last sample. */
  seconds() {
    let ticks = 0;
    for (const [pid, latest] of this.latest) {
      ticks += latest - (this.baseline.get(pid) ?? 0);
    }

    return ticks / clockTicks;
  }

  readTicks() {
    const ticks = new Map();
    const postmaster = readStat(this.postmasterPid);
    if (postmaster === null) {
      return ticks;
    }
    ticks.set(postmaster.pid, postmaster.cpuTicks);

    const children = [];
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) {
        continue;
      }
      const stat = readStat(Number(entry));
      if (stat === null || stat.ppid !== this.postmasterPid) {
        continue;
      }
      const title = commandLine(stat.pid);
      if (title !== null) {
        children.push({ ...stat, title });
      }
    }

    const ourBackends = new Set();
    for (const child of children) {
      const kind = classifyPostgresChild(child.title, this.database);
      if (kind === 'ours' || kind === 'shared') {
        ticks.set(child.pid, child.cpuTicks);
      }
      if (kind === 'ours') {
        ourBackends.add(child.pid);
      }
    }
    for (const child of children) {
      const leader = /parallel worker for PID (\d+)/.exec(child.title);
      if (leader !== null && ourBackends.has(Number(leader[1]))) {
        ticks.set(child.pid, child.cpuTicks);
      }
    }

    return ticks;
  }
}
