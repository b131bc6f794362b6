import { Inject, Injectable } from '@nestjs/common';
import type { ActorRef } from '@warren/actors';
import { ActorRuntime } from '@warren/actors';

/** Injectable client: send to any actor from any Nest provider. */
@Injectable()
export class WarrenClient {
  constructor(@Inject(ActorRuntime) private readonly runtime: ActorRuntime) {}

  /** A ref for `address` (`session/dev~s1`, `model/local`). */
  ref(address: string, sender?: string): ActorRef {
    return this.runtime.ref(address, sender);
  }
}
