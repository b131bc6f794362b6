import { InvalidOptionsError, Message } from '@warren/contracts';
import { defineActor } from './actor-definition';
import { Actor } from './decorators/actor.decorator';
import { Handle } from './decorators/handle.decorator';

@Message('test.def.add')
class Add {
  by!: number;
}

@Message('test.def.interrupt')
class Interrupt {}

@Message('test.def.query')
class Query {}

class NoMessageDecorator {}

@Actor('counter')
class CounterActor {
  calls: unknown[] = [];

  @Handle(Add)
  add(msg: Add, ctx: unknown) {
    this.calls.push([msg, ctx]);
    return 'added';
  }

  @Handle(Interrupt, { interleave: true })
  interrupt() {
    return 'interrupted';
  }
}

describe('defineActor()', () => {
  it('defineActor() maps each handler by the CloudEvents type of its message class', () => {
    const actor = new CounterActor();
    const def = defineActor(actor);
    expect(def.type).toBe('counter');
    expect(def.kind).toBe('entity');
    expect(def.instance).toBe(actor);
    expect([...def.handlers.keys()].sort()).toEqual(['test.def.add', 'test.def.interrupt']);
    const add = def.handlers.get('test.def.add');
    expect(add).toMatchObject({ messageType: 'test.def.add', messageClass: Add, interleave: false, name: 'CounterActor.add' });
  });

  it('defineActor() handler invoke() calls the method on the instance with the message and the context', () => {
    const actor = new CounterActor();
    const def = defineActor(actor);
    const msg = Object.assign(new Add(), { by: 1 });
    const ctx = { state: undefined };
    expect(def.handlers.get('test.def.add')?.invoke(msg, ctx)).toBe('added');
    expect(actor.calls).toEqual([[msg, ctx]]);
  });

  it('defineActor() keeps the interleave flag of @Handle(Msg, { interleave: true })', () => {
    const def = defineActor(new CounterActor());
    expect(def.handlers.get('test.def.interrupt')?.interleave).toBe(true);
    expect(def.handlers.get('test.def.add')?.interleave).toBe(false);
  });

  it('defineActor() keeps the kind of @Actor(type, { kind: "worker" })', () => {
    @Actor('model', { kind: 'worker' })
    class ModelWorker {
      @Handle(Query)
      query() {}
    }
    expect(defineActor(new ModelWorker()).kind).toBe('worker');
  });

  it('defineActor() includes handlers inherited from a base class and calls the override', () => {
    class Base {
      @Handle(Query)
      query() {
        return 'base';
      }
    }
    @Actor('derived')
    class Derived extends Base {
      @Handle(Add)
      add() {
        return 'add';
      }
      override query() {
        return 'derived';
      }
    }
    const def = defineActor(new Derived());
    expect([...def.handlers.keys()].sort()).toEqual(['test.def.add', 'test.def.query']);
    expect(def.handlers.get('test.def.query')?.name).toBe('Derived.query');
    expect(def.handlers.get('test.def.query')?.invoke(new Query(), {})).toBe('derived');
  });

  it('defineActor() throws InvalidOptionsError for a second handler of one message type', () => {
    @Actor('dup')
    class Dup {
      @Handle(Add)
      one() {}
      @Handle(Add)
      two() {}
    }
    expect(() => defineActor(new Dup())).toThrow(InvalidOptionsError);
    expect(() => defineActor(new Dup())).toThrow(/Dup\.two.*second handler for "test\.def\.add"/);
  });

  it('defineActor() throws InvalidOptionsError when a base class and a subclass both handle one type in different methods', () => {
    class Base {
      @Handle(Add)
      baseAdd() {}
    }
    @Actor('dup-inherited')
    class Sub extends Base {
      @Handle(Add)
      subAdd() {}
    }
    expect(() => defineActor(new Sub())).toThrow(InvalidOptionsError);
  });

  it('defineActor() throws InvalidOptionsError for a class without @Actor', () => {
    class Plain {
      @Handle(Add)
      add() {}
    }
    expect(() => defineActor(new Plain())).toThrow(InvalidOptionsError);
    expect(() => defineActor(new Plain())).toThrow(/Plain: is not decorated with @Actor/);
  });

  it('defineActor() throws when a handled class has no @Message', () => {
    @Actor('untyped')
    class Untyped {
      @Handle(NoMessageDecorator)
      handle() {}
    }
    expect(() => defineActor(new Untyped())).toThrow(/NoMessageDecorator has no @Message/);
  });

  it('defineActor() gives an actor with no handlers an empty handler map', () => {
    @Actor('idle')
    class Idle {}
    expect(defineActor(new Idle()).handlers.size).toBe(0);
  });
});

describe('@Actor()', () => {
  it.each(['', 'Counter', '1counter', 'counter_x', 'counter.x', 'counter/x', `a${'b'.repeat(64)}`])(
    '@Actor(%p) throws InvalidOptionsError for a bad type name',
    (type) => {
      expect(() => Actor(type)).toThrow(InvalidOptionsError);
    },
  );

  it.each(['a', 'session', 'model-router', 'x2', `a${'b'.repeat(63)}`])('@Actor(%p) accepts a valid type name', (type) => {
    expect(() => Actor(type)).not.toThrow();
  });
});

describe('@Message()', () => {
  it.each(['', 'warren', 'Warren.session.message', 'warren..message', 'warren.session.', 'warren session.message', '1warren.x'])(
    '@Message(%p) throws TypeError for a bad type',
    (type) => {
      expect(() => Message(type)).toThrow(TypeError);
    },
  );

  it.each(['warren.session.message', 'demo.counter.add', 'a.b', 'my-app.x-y.z1'])('@Message(%p) accepts a valid type', (type) => {
    expect(() => Message(type)).not.toThrow();
  });
});

describe('stateless entities and raw handlers', () => {
  @Message('spec.raw.ping')
  class RawPing {}

  it('defineActor() carries @Actor({ stateless }) and @Handle({ raw }) into the definition', () => {
    @Actor('spec-router', { stateless: true })
    class Router {
      @Handle(RawPing, { raw: true })
      ping(): void {}
    }
    const def = defineActor(new Router());
    expect(def.stateless).toBe(true);
    expect(def.handlers.get('spec.raw.ping')?.raw).toBe(true);
  });

  it('defineActor() refuses a stateless worker (stateless is for entity actors)', () => {
    @Actor('spec-stateless-worker', { kind: 'worker', stateless: true })
    class Bad {
      @Handle(RawPing)
      ping(): void {}
    }
    expect(() => defineActor(new Bad())).toThrow(InvalidOptionsError);
  });
});
