/** Actors of the benchmarks: a counter entity with a small state and an echo worker. */

import { Actor, type ActorContext, Handle } from '@warren/actors';
import { Message } from '@warren/contracts';
import { IsInt, IsString, Max, Min } from 'class-validator';

/** Counts messages applied by bench actors in this process (the benches wait on it). */
export const applied = { count: 0 };

@Message('bench.counter.add')
export class BenchAdd {
  @IsInt() @Min(-1000) @Max(1000) by!: number;
}

@Message('bench.echo.ping')
export class BenchPing {
  @IsString() text!: string;
}

/** Like test/fixtures CounterActor, state `{ count }` only (no id log), so the memory bench measures the runtime. */
@Actor('bench-counter')
export class BenchCounter {
  @Handle(BenchAdd)
  add(msg: BenchAdd, ctx: ActorContext<{ count: number }>): number {
    const count = (ctx.state?.count ?? 0) + msg.by;
    ctx.state = { count };
    applied.count++;
    return count;
  }
}

@Actor('bench-echo', { kind: 'worker' })
export class BenchEcho {
  @Handle(BenchPing)
  ping(msg: BenchPing): string {
    return msg.text;
  }
}

export function add(by: number): BenchAdd {
  return Object.assign(new BenchAdd(), { by });
}

export function ping(text: string): BenchPing {
  return Object.assign(new BenchPing(), { text });
}
