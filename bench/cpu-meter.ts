/** CPU used by Warren, the broker and the bench process, per turn: read from /proc. */

import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { rabbitmqctl } from './support';

/** Clock ticks per second of /proc/<pid>/stat (100 on every Linux we run on). */
const CLK_TCK = 100;

/** CPU seconds (user + system) a process has used so far; NaN when /proc cannot tell. */
export function cpuSecondsOf(pid: number | undefined): number {
  if (!pid) return Number.NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return Number.NaN;
  }
}

let brokerPidCache: number | undefined;
/** The OS pid of the RabbitMQ node (for its CPU time); undefined when it cannot be asked. */
export function brokerPid(): number | undefined {
  if (brokerPidCache !== undefined) return brokerPidCache || undefined;
  try {
    const out = rabbitmqctl('eval', 'list_to_integer(os:getpid()).').trim();
    brokerPidCache = Number(out) || 0;
  } catch {
    brokerPidCache = 0;
  }
  return brokerPidCache || undefined;
}

/** CPU used by the Warren child, the broker and this (load) process over one phase. */
export interface CpuSplit {
  warrenS: number;
  brokerS: number;
  benchS: number;
  /** Wall time of the phase, s. */
  wallS: number;
}

/**
 * CPU the app(s) and the broker use with no turn running, ms per second: the broker serves other
 * vhosts too (other sessions' tests on this machine), and every CPU-per-turn figure carries that
 * background for the turn's duration.
 */
export interface Background {
  appMsPerS: number;
  brokerMsPerS: number;
}

/** The app(s)' and the broker's CPU over `ms` while the caller sends nothing. */
export async function measureBackground(pids: (number | undefined)[], ms = 1000): Promise<Background> {
  const meter = new CpuMeter(pids);
  await new Promise((resolve) => setTimeout(resolve, ms));
  const cpu = meter.read();
  return { appMsPerS: (cpu.warrenS * 1000) / cpu.wallS, brokerMsPerS: (cpu.brokerS * 1000) / cpu.wallS };
}

/** The mean of several background samples. */
export function meanBackground(samples: Background[]): Background | undefined {
  if (samples.length === 0) return undefined;
  const sum = (f: (b: Background) => number) => samples.reduce((n, b) => n + f(b), 0) / samples.length;
  return { appMsPerS: sum((b) => b.appMsPerS), brokerMsPerS: sum((b) => b.brokerMsPerS) };
}

/** CPU per turn (µs) of the app and the broker, raw and net of the background over the phase's wall time. */
export function perTurnUs(cpu: CpuSplit, turns: number, bg?: Background) {
  const n = Math.max(1, turns);
  const app = (cpu.warrenS * 1e6) / n;
  const broker = (cpu.brokerS * 1e6) / n;
  return {
    app,
    broker,
    client: (cpu.benchS * 1e6) / n,
    appNet: bg ? app - (bg.appMsPerS * cpu.wallS * 1000) / n : undefined,
    brokerNet: bg ? broker - (bg.brokerMsPerS * cpu.wallS * 1000) / n : undefined,
  };
}

/** CPU of the Warren process(es), the broker and this process from its construction to each `read()`. */
export class CpuMeter {
  private readonly pids: (number | undefined)[];
  private readonly w0: number;
  private readonly b0: number;
  private readonly c0 = process.cpuUsage();
  private readonly t0 = performance.now();
  /** `warrenPids`: one process, or several whose CPU is added up (a gateway and a runtime). */
  constructor(warrenPids: number | undefined | (number | undefined)[]) {
    this.pids = Array.isArray(warrenPids) ? warrenPids : [warrenPids];
    this.w0 = this.warren();
    this.b0 = cpuSecondsOf(brokerPid());
  }
  private warren(): number {
    return this.pids.reduce<number>((sum, pid) => sum + cpuSecondsOf(pid), 0);
  }
  read(): CpuSplit {
    const c = process.cpuUsage(this.c0);
    return {
      warrenS: this.warren() - this.w0,
      brokerS: cpuSecondsOf(brokerPid()) - this.b0,
      benchS: (c.user + c.system) / 1e6,
      wallS: (performance.now() - this.t0) / 1000,
    };
  }
}

/** "Warren 412 µs, broker 380 µs, load client 90 µs" per turn. */
export function cpuPerTurn(cpu: CpuSplit, turns: number): string {
  const us = (s: number) => (Number.isFinite(s) ? `${Math.round((s * 1e6) / turns)} µs` : 'n/a');
  return `CPU per turn: Warren ${us(cpu.warrenS)}, RabbitMQ ${us(cpu.brokerS)}, load client ${us(cpu.benchS)}`;
}
