import type { ActorContext, ActorRuntime } from '@warren/actors';
import { LimiterAcquire, type LimiterLease, type LimiterLeaseAnswer, LimiterLeaseReturn, LimiterSettle } from '@warren/contracts';
import { resolveLimiterOptions } from '@warren/models';
import { LimiterLeases } from './limiter-leases';

/** Records what the leases ask and tell, answering lease asks with `answer` (grants are acknowledged with `{ granted: true }`). */
function fakes(answer: LimiterLeaseAnswer | Error) {
  const asks: object[] = [];
  const tells: object[] = [];
  const ctx = {
    ask: async (_to: string, msg: object) => {
      asks.push(msg);
      if (msg instanceof LimiterAcquire) return { granted: true, remainingRequests: 1, remainingTokens: 1 };
      if (answer instanceof Error) throw answer;
      return answer;
    },
    tell: async (_to: string, msg: object) => {
      tells.push(msg);
    },
  } as unknown as ActorContext;
  const runtime = {
    ref: () => ({
      tell: async (msg: object) => {
        tells.push(msg);
      },
    }),
  } as unknown as ActorRuntime;
  return { ctx, runtime, asks, tells };
}

const options = resolveLimiterOptions({ leaseMinTurns: 10 });
const turn = (n: number) => ({ tenant: 'acme', reservationId: `task-${n}` });

describe('LimiterLeases', () => {
  it('asks one lease, admits the next turns from it and corrects it to their usage, then gives back the rest', async () => {
    const f = fakes({ granted: true, tokens: 10_000, requests: 100, ttlMs: 60_000 });
    const leases = new LimiterLeases(options, f.runtime);
    await Promise.all([leases.reserve(f.ctx, turn(1), 600), leases.reserve(f.ctx, turn(2), 600)]);
    await leases.reserve(f.ctx, turn(3), 600);
    expect(f.asks).toHaveLength(1);
    expect(f.asks[0]).toMatchObject({ minTokens: 6000, minRequests: 10 } satisfies Partial<LimiterLease>);
    for (const n of [1, 2, 3]) await leases.settle(f.ctx, turn(n), 600, 100);
    // The same reservation reserved again (a turn run again in place) is not drawn twice.
    await leases.reserve(f.ctx, turn(4), 600);
    await leases.reserve(f.ctx, turn(4), 600);
    await leases.beforeApplicationShutdown();
    expect(f.tells).toHaveLength(1);
    const back = f.tells[0] as LimiterLeaseReturn;
    expect(back).toBeInstanceOf(LimiterLeaseReturn);
    // 10,000 − 3 × 100 used − 600 reserved by turn 4; 100 − 4 requests.
    expect(back).toMatchObject({ tokens: 9100, requests: 96 });
    // Turn 4 settles after its lease went back: with the limiter, as any reservation.
    await leases.settle(f.ctx, turn(4), 600, 50);
    expect(f.tells[1]).toBeInstanceOf(LimiterSettle);
    expect(f.tells[1]).toMatchObject({ reserved: 600, used: 50, reservationId: 'task-4' });
  });

  it('acquires per turn after a refused lease, and does not ask again for a while', async () => {
    const f = fakes({ granted: false });
    const leases = new LimiterLeases(options, f.runtime);
    await leases.reserve(f.ctx, turn(1), 600);
    await leases.reserve(f.ctx, turn(2), 600);
    expect(f.asks.map((m) => m.constructor.name)).toEqual(['LimiterLease', 'LimiterAcquire', 'LimiterAcquire']);
    await leases.settle(f.ctx, turn(1), 600, 100);
    expect(f.tells[0]).toBeInstanceOf(LimiterSettle);
  });

  it('acquires per turn when the lease ask fails', async () => {
    const failing = fakes(new Error('no handler'));
    await new LimiterLeases(options, failing.runtime).reserve(failing.ctx, turn(1), 600);
    expect(failing.asks.map((m) => m.constructor.name)).toEqual(['LimiterLease', 'LimiterAcquire']);
  });

  it('never asks a lease for a tenant with per-user limits, one whose share holds too few turns, or with leases off', async () => {
    const f = fakes({ granted: true, tokens: 10_000, requests: 100, ttlMs: 60_000 });
    const perUser = resolveLimiterOptions({ leaseMinTurns: 10, tenants: { acme: { userRequestsPerMinute: 5 } } });
    await new LimiterLeases(perUser, f.runtime).reserve(f.ctx, { ...turn(1), userId: 'u1' }, 600);
    // 5 % of 200,000 tokens is 10,000: 10 turns of 600 fit, 10 turns of 1,001 do not.
    await new LimiterLeases(options, f.runtime).reserve(f.ctx, turn(2), 1001);
    const fewRequests = resolveLimiterOptions({ leaseMinTurns: 10, requestsPerMinute: 100 });
    await new LimiterLeases(fewRequests, f.runtime).reserve(f.ctx, turn(3), 600);
    await new LimiterLeases(resolveLimiterOptions({ leaseShare: 0 }), f.runtime).reserve(f.ctx, turn(4), 600);
    expect(f.asks.map((m) => m.constructor.name)).toEqual(['LimiterAcquire', 'LimiterAcquire', 'LimiterAcquire', 'LimiterAcquire']);
  });

  it('asks a new lease when the one held cannot cover the turn, giving the old one back', async () => {
    const f = fakes({ granted: true, tokens: 1000, requests: 100, ttlMs: 60_000 });
    const leases = new LimiterLeases(options, f.runtime);
    await leases.reserve(f.ctx, turn(1), 600);
    await leases.reserve(f.ctx, turn(2), 600);
    expect(f.asks).toHaveLength(2);
    expect(f.tells).toEqual([expect.objectContaining({ tokens: 400, requests: 99 })]);
    await leases.beforeApplicationShutdown();
  });
});
