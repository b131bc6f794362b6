import type { AmqpTransport, WarrenClient } from '@warren/amqp';
import { AskTimeoutError, BudgetExceededError, type LimiterCheck, RateLimitedError } from '@warren/contracts';
import { resolveGatewayOptions } from '../gateway.options';
import { TurnAdmission } from './turn-admission';

/** A client whose limiter asks answer with `answers` in turn (a value, or an error to throw). */
function admissionWith(answers: unknown[], admissionTimeoutMs = 500) {
  const asked: { address: string; msg: LimiterCheck; timeoutMs?: number }[] = [];
  const warren = {
    ref: (address: string) => ({
      ask: async (msg: LimiterCheck, options?: { timeoutMs?: number }) => {
        asked.push({ address, msg, timeoutMs: options?.timeoutMs });
        const a = answers.shift();
        if (a instanceof Error) throw a;
        return a;
      },
    }),
  } as unknown as WarrenClient;
  const transport = { nodeId: 'gw-1' } as AmqpTransport;
  return { admission: new TurnAdmission(resolveGatewayOptions({ admissionTimeoutMs }), warren, transport), asked };
}

const target = { tenant: 'acme', sessionId: 's1' };

describe('TurnAdmission#check()', () => {
  it("asks the tenant's limiter with the text's tokens and the user, within admissionTimeoutMs", async () => {
    const { admission, asked } = admissionWith([{ queued: false, clearMs: 0 }]);
    await admission.check(target, 'hello there', 'u1');
    expect(asked).toEqual([{ address: 'limiter/acme', msg: expect.objectContaining({ userId: 'u1' }), timeoutMs: 500 }]);
    expect(asked[0]?.msg.tokens).toBeGreaterThan(0);
  });

  it('throws a certain refusal (rate limit, budget) and accepts a queued turn', async () => {
    const { admission } = admissionWith([
      new RateLimitedError('limiter/acme', 2000),
      new BudgetExceededError('limiter/acme', 'daily', 5, 5, '2030-01-01T00:00:00.000Z'),
      { queued: true, clearMs: 0 },
    ]);
    await expect(admission.check(target, 'a', undefined)).rejects.toBeInstanceOf(RateLimitedError);
    await expect(admission.check(target, 'a', undefined)).rejects.toBeInstanceOf(BudgetExceededError);
    await expect(admission.check(target, 'a', undefined)).resolves.toBeUndefined();
  });

  it('does not ask again within the clear window a tenant far from its limits gets', async () => {
    const { admission, asked } = admissionWith([{ queued: false, clearMs: 60_000 }]);
    await admission.check(target, 'a', undefined);
    await admission.check(target, 'b', undefined);
    await admission.check({ tenant: 'other', sessionId: 's' }, 'c', undefined).catch(() => undefined);
    expect(asked.map((a) => a.address)).toEqual(['limiter/acme', 'limiter/other']);
  });

  it('accepts when the limiter does not answer, and then leaves the tenant alone for a while', async () => {
    const { admission, asked } = admissionWith([new AskTimeoutError('limiter/acme', 'warren.limiter.check', 500)]);
    await expect(admission.check(target, 'a', undefined)).resolves.toBeUndefined();
    await expect(admission.check(target, 'b', undefined)).resolves.toBeUndefined();
    expect(asked).toHaveLength(1);
  });

  it('admissionTimeoutMs 0: never asks', async () => {
    const { admission, asked } = admissionWith([], 0);
    await admission.check(target, 'a', undefined);
    expect(asked).toEqual([]);
  });
});

describe('TurnAdmission#check() with a retry', () => {
  it('does not judge a turn recorded already (same Idempotency-Key), and only looks when it would ask', async () => {
    const { admission, asked } = admissionWith([{ queued: false, clearMs: 60_000 }]);
    let looked = 0;
    const recorded = (answer: boolean) => async () => {
      looked++;
      return answer;
    };
    await admission.check(target, 'a', undefined, recorded(true));
    expect(asked).toHaveLength(0);
    await admission.check(target, 'a', undefined, recorded(false));
    expect(asked).toHaveLength(1);
    await admission.check(target, 'a', undefined, recorded(false)); // within the clear window: no look, no ask
    expect({ looked, asked: asked.length }).toEqual({ looked: 2, asked: 1 });
  });
});
