import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { AmqpTransport, type EventListener, type EventSubscriber } from '@warren/amqp';
import { type CloudEvent, SESSION_EVENT_KINDS, type SessionEventKind, sessionKey, WARREN_HEADERS } from '@warren/contracts';

/** One SSE client of one tenant's session. */
export interface SessionWatcher {
  tenant: string;
  sessionId: string;
  /** Only events of this task (`x-warren-task-id` or `data.taskId`). */
  taskId?: string;
  send(kind: SessionEventKind, event: CloudEvent): void;
  /** The gateway is shutting down: end the stream. */
  close(): void;
}

/** What the hub needs of the transport. */
export type EventSource = Pick<AmqpTransport, 'subscribeEvents'>;

const KINDS = new Set<string>(SESSION_EVENT_KINDS);

/**
 * Fans the session events of this process's one subscription on `warren.events` out to SSE
 * clients. Routing keys carry only the wire session id, so an event reaches a watcher only when
 * its `x-warren-sender` is that watcher's session actor (`session/<tenant>~<sessionId>`): a
 * tenant never sees another tenant's `s1`. `session.<id>.*` is bound while the session has watchers.
 */
@Injectable()
export class SessionEventHub implements OnModuleDestroy {
  private readonly log = new Logger('Gateway');
  private subscriber: EventSubscriber | undefined;
  private readonly watchers = new Map<string, Set<SessionWatcher>>();

  constructor(@Inject(AmqpTransport) private readonly source: EventSource) {}

  /** Number of watchers (all sessions). */
  get size(): number {
    let n = 0;
    for (const set of this.watchers.values()) n += set.size;
    return n;
  }

  /** Adds a watcher; resolves once its session's binding is in place, with the function that removes it. */
  async watch(watcher: SessionWatcher): Promise<() => void> {
    const pattern = `session.${watcher.sessionId}.*`;
    const set = this.watchers.get(watcher.sessionId) ?? new Set<SessionWatcher>();
    this.watchers.set(watcher.sessionId, set);
    set.add(watcher);
    let removed = false;
    const remove = () => {
      if (removed) return;
      removed = true;
      const current = this.watchers.get(watcher.sessionId);
      current?.delete(watcher);
      if (current?.size === 0) this.watchers.delete(watcher.sessionId);
      this.events()
        .unbind(pattern)
        .catch((err: unknown) => this.log.warn(`unbinding ${pattern} failed: ${String(err)}`));
    };
    try {
      await this.events().bind(pattern);
    } catch (err) {
      remove();
      throw err;
    }
    return remove;
  }

  /** Ends every stream and the subscription (before the HTTP server closes, which waits for open streams). */
  async onModuleDestroy(): Promise<void> {
    for (const set of [...this.watchers.values()]) for (const w of [...set]) w.close();
    this.watchers.clear();
    await this.subscriber?.close();
  }

  private events(): EventSubscriber {
    this.subscriber ??= this.source.subscribeEvents(this.dispatch);
    return this.subscriber;
  }

  private readonly dispatch: EventListener = (routingKey, event, headers) => {
    const [prefix, sessionId, kind, ...rest] = routingKey.split('.');
    if (prefix !== 'session' || !sessionId || !kind || rest.length > 0 || !KINDS.has(kind)) return;
    const set = this.watchers.get(sessionId);
    if (!set) return;
    const sender = headers[WARREN_HEADERS.SENDER];
    const taskId = headers[WARREN_HEADERS.TASK_ID] ?? taskIdOf(event);
    for (const w of set) {
      if (sender !== `session/${sessionKey(w.tenant, sessionId)}`) continue;
      if (w.taskId !== undefined && w.taskId !== taskId && w.taskId !== taskIdOf(event)) continue;
      w.send(kind as SessionEventKind, event);
    }
  };
}

function taskIdOf(event: CloudEvent): string | undefined {
  const data = event.data as { taskId?: unknown } | undefined;
  return typeof data?.taskId === 'string' ? data.taskId : undefined;
}
