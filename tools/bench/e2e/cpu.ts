/**
 * CPU seconds per process from /proc/<pid>/stat (utime and stime, in clock ticks), sampled
 * periodically so that processes that come and go during a phase (PostgreSQL backends of a
 * pool that closes idle connections) are counted too: a pid first seen after the phase began
 * started during it, so its whole life counts.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { loadavg } from 'node:os';

const TICKS_PER_SECOND = clockTicks();

function clockTicks(): number {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
}

export interface CpuTimes {
  user: number;
  system: number;
}

/** utime and stime of one process in seconds, or undefined when it is gone. */
export function processCpu(pid: number): CpuTimes | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may hold spaces: fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state); utime is field 14, stime field 15.
    return { user: Number(fields[11]) / TICKS_PER_SECOND, system: Number(fields[12]) / TICKS_PER_SECOND };
  } catch {
    return undefined;
  }
}

/** The whole machine from /proc/stat: busy user, system (incl. irq/softirq), idle and iowait seconds. */
export function machineCpu(): { user: number; system: number; idle: number; iowait: number; steal: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = line;
  const t = TICKS_PER_SECOND;
  return { user: (user + nice) / t, system: (system + irq + softirq) / t, idle: idle / t, iowait: iowait / t, steal: steal / t };
}

export function loadAverage(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ');
}

/** A named group of processes whose members are found again at each sample. */
export interface ProcessGroup {
  name: string;
  pids: () => Promise<number[]> | number[];
}

interface Tracked {
  first: CpuTimes;
  last: CpuTimes;
}

/** Samples the groups every `intervalMs` between start() and stop(); stop() returns the CPU seconds used by each. */
export class CpuSampler {
  private readonly tracked = new Map<string, Map<number, Tracked>>();
  private timer?: NodeJS.Timeout;
  private sampling?: Promise<void>;
  private machineStart = machineCpu();
  private wallStart = Date.now();

  constructor(
    private readonly groups: ProcessGroup[],
    private readonly intervalMs = 1_000,
  ) {}

  async start(): Promise<void> {
    this.machineStart = machineCpu();
    this.wallStart = Date.now();
    await this.sample(true);
    this.timer = setInterval(() => {
      this.sampling ??= this.sample(false).finally(() => (this.sampling = undefined));
    }, this.intervalMs);
  }

  private async sample(initial: boolean): Promise<void> {
    for (const group of this.groups) {
      let pids: number[];
      try {
        pids = await group.pids();
      } catch {
        continue;
      }
      const byPid = this.tracked.get(group.name) ?? new Map<number, Tracked>();
      this.tracked.set(group.name, byPid);
      for (const pid of pids) {
        const now = processCpu(pid);
        if (!now) continue;
        const known = byPid.get(pid);
        if (known) known.last = now;
        // Seen first after the start: it began during the phase, all of its CPU counts.
        else byPid.set(pid, { first: initial ? now : { user: 0, system: 0 }, last: now });
      }
    }
  }

  async stop(): Promise<{ groups: Record<string, CpuTimes & { processes: number }>; machine: ReturnType<typeof machineCpu>; wallSeconds: number }> {
    clearInterval(this.timer);
    await this.sampling;
    await this.sample(false);
    const machineEnd = machineCpu();
    const groups: Record<string, CpuTimes & { processes: number }> = {};
    for (const group of this.groups) {
      const byPid = this.tracked.get(group.name) ?? new Map();
      let user = 0;
      let system = 0;
      for (const { first, last } of byPid.values()) {
        user += last.user - first.user;
        system += last.system - first.system;
      }
      groups[group.name] = { user, system, processes: byPid.size };
    }
    const machine = {
      user: machineEnd.user - this.machineStart.user,
      system: machineEnd.system - this.machineStart.system,
      idle: machineEnd.idle - this.machineStart.idle,
      iowait: machineEnd.iowait - this.machineStart.iowait,
      steal: machineEnd.steal - this.machineStart.steal,
    };
    return { groups, machine, wallSeconds: (Date.now() - this.wallStart) / 1000 };
  }
}

const listeners = new Map<number, number>();

/**
 * The pid of the process listening on a TCP port of this machine (from /proc/net/tcp{,6} and
 * /proc/<pid>/fd; a scan costs ~4 ms, so the answer is kept while that process lives).
 */
export function listenerPid(port: number): number | undefined {
  const known = listeners.get(port);
  if (known !== undefined && existsSync(`/proc/${known}`)) return known;
  listeners.delete(port);
  const pid = scanListener(port);
  if (pid !== undefined) listeners.set(port, pid);
  return pid;
}

function scanListener(port: number): number | undefined {
  const inodes = new Set<string>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10) continue;
      const localPort = parseInt(cols[1]!.split(':')[1]!, 16);
      if (localPort === port && cols[3] === '0A') inodes.add(cols[9]!);
    }
  }
  if (inodes.size === 0) return undefined;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const link = readlinkSafe(`/proc/${entry}/fd/${fd}`);
        const match = /^socket:\[(\d+)\]$/.exec(link ?? '');
        if (match && inodes.has(match[1]!)) return Number(entry);
      } catch {
        /* gone */
      }
    }
  }
  return undefined;
}

function readlinkSafe(path: string): string | undefined {
  try {
    return readlinkSync(path);
  } catch {
    return undefined;
  }
}
