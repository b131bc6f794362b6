/**
 * Reminders benchmark (issue 8): 100,000 reminders due within one minute (BENCH_QUICK=1: 10,000
 * within 10 s), spread evenly, real clock, delivered to 10 reminders per entity actor. The
 * scheduler runs in a child process (its own connection and handle on the shared embedded store),
 * so its CPU (`process.cpuUsage`) is its own. Reports the scheduler's lateness (publish time −
 * scheduled time) p50/p99, the lateness at the actor (handled − scheduled), duplicates (effects
 * per (actor, name, scheduledAt) above one: must be 0) and the scheduler's CPU.
 * Run alone: `node dist/bench/reminders.bench.js` (after the build).
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Actor, type ActorContext, ActorRuntime, Handle, resolveRuntimeOptions, SystemClock } from '@warren/actors';
import { AmqpTransport, resolveAmqpOptions } from '@warren/amqp';
import { ReminderDue } from '@warren/contracts';
import { createStore } from '@warren/store';
import { resolveSchedulerOptions } from '../apps/scheduler/src/scheduler.options';
import { SchedulerService } from '../apps/scheduler/src/scheduler.service';
import { type BenchRow, benchResult, percentile, QUICK, quietLogger, runNode, sleep, withVhost } from './support';

const COUNT = Number(process.env.BENCH_REMINDERS ?? (QUICK ? 10_000 : 100_000));
const WINDOW_MS = QUICK ? 10_000 : 60_000;
const PER_ACTOR = 10;
const LEAD_MS = 5000; // the first reminder is due this long after the child starts
const TYPE = 'bench-alarm';

/** What the scheduler child reports. */
interface SchedulerChildResult {
  delivered: number;
  latenessMs: number[];
  cpuUserMs: number;
  cpuSystemMs: number;
  wallMs: number;
  /** When the scheduler's loop started (epoch ms). */
  startedAt: number;
}

/** Records every effect: handled fires per (actor, name, scheduledAt), and the lateness at the actor. */
const effects = new Map<string, number>();
const handledLateness: number[] = [];

@Actor(TYPE)
class BenchAlarmActor {
  @Handle(ReminderDue)
  due(msg: ReminderDue, ctx: ActorContext<{ n: number }>): void {
    const key = `${ctx.self}|${msg.name}|${msg.scheduledAt}`;
    effects.set(key, (effects.get(key) ?? 0) + 1);
    handledLateness.push(Date.now() - Date.parse(msg.scheduledAt));
    ctx.state = { n: (ctx.state?.n ?? 0) + 1 };
  }
}

/** The child: a scheduler on the shared data dir until it delivered `expected` fires. */
async function schedulerChild(): Promise<void> {
  const url = process.env.AMQP_URL as string;
  const store = createStore({ kind: 'embedded', dataDir: process.env.WARREN_DATA_DIR as string });
  await store.init();
  const transport = new AmqpTransport(resolveAmqpOptions({ url, nodeId: 'bench-scheduler' }), { kinds: { [TYPE]: 'entity' } });
  const runtime = new ActorRuntime(transport, store.actors, resolveRuntimeOptions({}), quietLogger('scheduler'));
  await transport.start();
  const expected = Number(process.env.EXPECTED);
  const latenessMs: number[] = [];
  const clock = new SystemClock();
  let delivered = 0;
  let done: () => void = () => undefined;
  const finished = new Promise<void>((r) => {
    done = r;
  });
  const scheduler = new SchedulerService(
    {
      reminders: store.reminders,
      publish: async (actor, message, messageId) => {
        await runtime.ref(actor, 'external:bench-scheduler').tell(message, { messageId });
        latenessMs.push(Date.now() - Date.parse(message.scheduledAt));
        if (++delivered >= expected) done();
      },
      clock,
      log: quietLogger('scheduler'),
    },
    resolveSchedulerOptions({ instanceId: 'bench-scheduler' }),
  );
  const cpu0 = process.cpuUsage();
  const t0 = Date.now();
  scheduler.start();
  await finished;
  await scheduler.stop();
  const cpu = process.cpuUsage(cpu0);
  const result: SchedulerChildResult = {
    delivered,
    latenessMs,
    cpuUserMs: cpu.user / 1000,
    cpuSystemMs: cpu.system / 1000,
    wallMs: Date.now() - t0,
    startedAt: t0,
  };
  await transport.close();
  await store.close();
  console.log(`BENCH_RESULT ${JSON.stringify(result)}`);
}

/** Runs the benchmark: the runtime hosting the actors here, the scheduler in a child. */
export async function runRemindersBench(): Promise<BenchRow[]> {
  effects.clear();
  handledLateness.length = 0;
  return withVhost('reminders', async (v) => {
    const dataDir = mkdtempSync(join(process.env.WARREN_BENCH_DIR ?? tmpdir(), 'warren-bench-rem-'));
    const store = createStore({ kind: 'embedded', dataDir });
    await store.init();
    const transport = new AmqpTransport(resolveAmqpOptions({ url: v.url }), { kinds: {} });
    const runtime = new ActorRuntime(
      transport,
      store.actors,
      resolveRuntimeOptions({ drainTimeoutMs: 5000, passivateAfterMs: 3_600_000 }),
      quietLogger('runtime'),
    );
    try {
      await transport.start();
      await runtime.host(new BenchAlarmActor());
      const actors = Math.ceil(COUNT / PER_ACTOR);
      const writeStart = Date.now();
      // Time to write the reminders (one upsert each, ~4 per ms on a busy machine) and start the child.
      const start = writeStart + LEAD_MS + Math.ceil(COUNT / 4);
      for (let i = 0; i < COUNT; i++) {
        await store.reminders.upsert({
          actor: `${TYPE}/a${i % actors}`,
          name: `r${Math.floor(i / actors)}`,
          dueAt: new Date(start + Math.floor((i * WINDOW_MS) / COUNT)),
        });
      }
      const writeMs = Date.now() - writeStart;
      const child = benchResult<SchedulerChildResult>(
        await runNode(
          [],
          __filename,
          { REMINDERS_BENCH_ROLE: 'scheduler', AMQP_URL: v.url, WARREN_DATA_DIR: dataDir, EXPECTED: String(COUNT) },
          WINDOW_MS + 300_000,
        ),
      );
      const deadline = Date.now() + 120_000;
      while (handledLateness.length < COUNT && Date.now() < deadline) await sleep(50);
      await sleep(500); // a late duplicate would show now
      const duplicates = [...effects.values()].reduce((sum, n) => sum + (n - 1), 0);
      const missing = COUNT - effects.size;
      const pub = Float64Array.from(child.latenessMs).sort();
      const handled = Float64Array.from(handledLateness).sort();
      const cpuMs = child.cpuUserMs + child.cpuSystemMs;
      const how =
        `${COUNT} one-shot reminders (${PER_ACTOR} per ${TYPE} entity, ${actors} actors) due evenly within ${WINDOW_MS / 1000} s, real clock, ` +
        'written to the embedded store first; one scheduler in a child process (defaults: poll 250 ms, batch 500, lease 30 s) publishing ' +
        `confirmed ReminderDue tells; the runtime hosting the actors in the bench process (writing them took ${(writeMs / 1000).toFixed(1)} s; ` +
        `the scheduler started ${((start - child.startedAt) / 1000).toFixed(1)} s before the first was due)`;
      return [
        {
          name: 'reminder lateness p50 (publish)',
          unit: 'ms',
          warren: percentile(pub, 0.5),
          how,
        },
        {
          name: 'reminder lateness p99 (publish)',
          unit: 'ms',
          warren: percentile(pub, 0.99),
          target: '< 1000',
          met: percentile(pub, 0.99) < 1000,
          how: 'publish confirmed − scheduled time, measured in the scheduler',
        },
        {
          name: 'reminder lateness p99 (handled)',
          unit: 'ms',
          warren: percentile(handled, 0.99),
          how: `handler start − scheduled time at the actor (p50 ${percentile(handled, 0.5).toFixed(0)} ms); ${missing} not handled`,
        },
        {
          name: 'reminder duplicates',
          unit: 'effects',
          warren: duplicates,
          target: '0',
          met: duplicates === 0 && missing === 0,
          how: `effects per (actor, name, scheduledAt) above one; ${effects.size} distinct fires handled of ${COUNT}`,
        },
        {
          name: 'scheduler CPU',
          unit: 'ms CPU / 1000 reminders',
          warren: (cpuMs / child.delivered) * 1000,
          how: `process.cpuUsage of the scheduler child: ${cpuMs.toFixed(0)} ms (user ${child.cpuUserMs.toFixed(0)}, system ${child.cpuSystemMs.toFixed(0)}) over ${(child.wallMs / 1000).toFixed(1)} s wall = ${((cpuMs / child.wallMs) * 100).toFixed(1)}% of one core`,
        },
      ];
    } finally {
      await runtime.stop();
      await transport.close();
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
}

if (require.main === module) {
  if (process.env.REMINDERS_BENCH_ROLE === 'scheduler') {
    schedulerChild().catch((err) => {
      console.error(err);
      process.exit(1);
    });
  } else {
    runRemindersBench()
      .then((rows) => {
        for (const r of rows)
          console.log(`${r.name}: ${r.warren?.toFixed(1)} ${r.unit}${r.target ? ` (target ${r.target})` : ''} — ${r.how}`);
        process.exit(0);
      })
      .catch((err) => {
        console.error(err);
        process.exit(1);
      });
  }
}
