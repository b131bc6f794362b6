import type { WarrenStore } from '../warren-store';
import { actorStateContract } from './actor-state.contract';
import { auditContract } from './audit.contract';
import { commitContract } from './commit.contract';
import type { ContractContext, StoreContractFactory } from './contract-kit.contract';
import { deadLetterContract } from './dead-letter.contract';
import { historyContract } from './history.contract';
import { knowledgeContract } from './knowledge.contract';
import { recordsContract } from './records.contract';
import { taskContract } from './task.contract';

export type { StoreContractFactory, StoreContractFixture } from './contract-kit.contract';

/**
 * The one contract every store adapter passes. Call it inside an adapter's spec with a factory
 * of fixtures; the suite opens stores from the fixture, closes them all, then destroys it.
 */
export function runStoreContract(name: string, factory: StoreContractFactory): void {
  describe(`${name} store contract`, () => {
    const opened: WarrenStore[] = [];
    let destroy: (() => Promise<void>) | undefined;
    const ctx = {} as ContractContext;

    beforeAll(async () => {
      const fixture = await factory();
      destroy = () => fixture.destroy();
      ctx.open = async (overrides) => {
        const store = await fixture.open(overrides);
        opened.push(store);
        await store.init();
        return store;
      };
      ctx.store = await ctx.open();
    });

    afterAll(async () => {
      for (const store of opened) await store.close();
      await destroy?.();
    });

    actorStateContract(ctx);
    commitContract(ctx);
    historyContract(ctx);
    taskContract(ctx);
    deadLetterContract(ctx);
    recordsContract(ctx);
    auditContract(ctx);
    knowledgeContract(ctx);
  });
}
