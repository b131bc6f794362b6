import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { DURATION_BUCKETS_SECONDS, LATENESS_BUCKETS_SECONDS, msToSeconds } from './metric-buckets';
import { type RuntimeGaugeSource, RuntimeGaugeSources } from './runtime-gauge-source';

/** How a turn ended (`warren_turns_total{outcome}`). */
export type TurnOutcome = 'completed' | 'failed' | 'interrupted' | 'blocked';

/** Which side of the model a moderation decision was on. */
export type ModerationDirection = 'in' | 'out';

/** A runtime node's shard ownership, read at scrape time. */
export interface ClusterGaugeSource {
  /** Live members, this node included. */
  members(): number;
  /** Shards consumed now, per entity type. */
  shardsOwned(): Record<string, number>;
}

/** Options of {@link WarrenMetrics}. */
export interface WarrenMetricsOptions {
  /** Also collect prom-client's process metrics (CPU, memory, event loop lag, GC) on this registry. @default true */
  defaultMetrics?: boolean;
}

/**
 * Warren's Prometheus metrics on a registry of its own (never prom-client's global one: two
 * apps may run in one process, and tests create several instances). Durations are given in
 * ms and exported in seconds. `metrics()` renders the text exposition for `GET /metrics`.
 */
export class WarrenMetrics {
  /** The registry every metric of this instance is registered on. */
  readonly registry = new Registry();
  private readonly sources = new RuntimeGaugeSources();
  private readonly brokers = new Set<() => boolean>();

  private readonly turns = new Counter({
    name: 'warren_turns_total',
    help: 'Conversation turns ended, by outcome (completed, failed, interrupted, blocked).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  private readonly steps = new Histogram({
    name: 'warren_turn_step_duration_seconds',
    help: 'Duration of one step of a turn (preprocess, moderation-in, limiter, model, moderation-out).',
    labelNames: ['step'] as const,
    buckets: [...DURATION_BUCKETS_SECONDS],
    registers: [this.registry],
  });
  private readonly turnSeconds = new Histogram({
    name: 'warren_turn_duration_seconds',
    help: 'Duration of a whole turn, from the message to the reply.',
    buckets: [...DURATION_BUCKETS_SECONDS],
    registers: [this.registry],
  });
  private readonly modelDuration = new Histogram({
    name: 'warren_model_call_duration_seconds',
    help: 'Duration of a model call (the whole routed call of a turn or chat completion), by the model that answered.',
    labelNames: ['model'] as const,
    buckets: [...DURATION_BUCKETS_SECONDS],
    registers: [this.registry],
  });
  /** @deprecated The old name of `warren_model_call_duration_seconds`, kept for one release (0.2 removes it). */
  private readonly modelLatency = new Histogram({
    name: 'warren_model_latency_seconds',
    help: 'DEPRECATED (removed in the next release): use warren_model_call_duration_seconds, which has the same values.',
    labelNames: ['model'] as const,
    buckets: [...DURATION_BUCKETS_SECONDS],
    registers: [this.registry],
  });
  private readonly firstDelta = new Histogram({
    name: 'warren_time_to_first_delta_seconds',
    help: 'From the start of a turn (session) or chat completion (chat) to its first delta sent to the user.',
    labelNames: ['source'] as const,
    buckets: [...DURATION_BUCKETS_SECONDS],
    registers: [this.registry],
  });
  private readonly deadLetters = new Counter({
    name: 'warren_dead_letters_total',
    help: 'Dead letters recorded by the keepers of this process, by error code and the actor type of the message.',
    labelNames: ['code', 'actor_type'] as const,
    registers: [this.registry],
  });
  private readonly modelTokens = new Counter({
    name: 'warren_model_tokens_total',
    help: 'Tokens used by model calls, by endpoint and kind (prompt, completion).',
    labelNames: ['model', 'kind'] as const,
    registers: [this.registry],
  });
  private readonly moderationBlocks = new Counter({
    name: 'warren_moderation_blocks_total',
    help: 'Moderation blocks, by direction (in: user input, out: model output) and category.',
    labelNames: ['direction', 'category'] as const,
    registers: [this.registry],
  });
  private readonly limiterRejects = new Counter({
    name: 'warren_limiter_rejects_total',
    help: 'Requests refused by a tenant limiter.',
    labelNames: ['tenant'] as const,
    registers: [this.registry],
  });
  private readonly routingDecisions = new Counter({
    name: 'warren_routing_decisions_total',
    help: 'Routed model calls of session turns, by the A/B strategy and arm (none outside an A/B split) and the endpoint that answered.',
    labelNames: ['strategy', 'arm', 'endpoint'] as const,
    registers: [this.registry],
  });
  private readonly cacheLookups = new Counter({
    name: 'warren_cache_lookups_total',
    help: 'Semantic cache lookups of session turns, by result (hit or miss).',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  private readonly httpRequests = new Counter({
    name: 'warren_gateway_requests_total',
    help: 'HTTP requests answered by the gateway, by route pattern, method and status.',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [this.registry],
  });
  private readonly httpDuration = new Histogram({
    name: 'warren_gateway_request_duration_seconds',
    help: 'Duration of gateway HTTP requests, by route pattern and method.',
    labelNames: ['route', 'method'] as const,
    buckets: [...DURATION_BUCKETS_SECONDS],
    registers: [this.registry],
  });
  private readonly proactive = new Counter({
    name: 'warren_proactive_decisions_total',
    help: 'Decisions about proactive messages, by intent, decision (scheduled, sent, deferred, suppressed, cancelled) and reason.',
    labelNames: ['intent', 'decision', 'reason'] as const,
    registers: [this.registry],
  });
  private readonly accepted = new Counter({
    name: 'warren_gateway_messages_accepted_total',
    help: 'User messages accepted by the gateway (202).',
    registers: [this.registry],
  });
  private readonly reminderLateness = new Histogram({
    name: 'warren_reminder_lateness_seconds',
    help: 'Reminder fires: publish time minus scheduled time.',
    buckets: [...LATENESS_BUCKETS_SECONDS],
    registers: [this.registry],
  });
  private readonly reminderDeliveries = new Counter({
    name: 'warren_reminder_deliveries_total',
    help: 'Reminder fires published to their actor, by timing (on-time, late: a missed fire).',
    labelNames: ['timing'] as const,
    registers: [this.registry],
  });
  private readonly reminderSkips = new Counter({
    name: 'warren_reminder_skipped_total',
    help: 'Reminder fires not delivered, by reason (missed: the skip or fire-once policy, expired: past the ttl).',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  private readonly reminderFailures = new Counter({
    name: 'warren_reminder_delivery_failures_total',
    help: 'Reminder deliveries that failed to publish (retried when the lease expires).',
    registers: [this.registry],
  });
  private readonly reminderLostLeases = new Counter({
    name: 'warren_reminder_lost_leases_total',
    help: 'Reminders delivered whose lease was gone at advance/complete (rescheduled, cancelled or taken over: a possible duplicate publish).',
    registers: [this.registry],
  });

  private readonly handOffs = new Counter({
    name: 'warren_cluster_handoffs_total',
    help: 'Entity shards this runtime node handed off to another (drained, acked, consumer closed), by entity type.',
    labelNames: ['entity_type'] as const,
    registers: [this.registry],
  });
  private readonly handOffSeconds = new Histogram({
    name: 'warren_cluster_handoff_duration_seconds',
    help: 'Duration of a shard hand-off on the releasing node: from no new deliveries to the consumer closed.',
    labelNames: ['entity_type'] as const,
    buckets: [...DURATION_BUCKETS_SECONDS],
    registers: [this.registry],
  });
  private readonly clusters = new Set<ClusterGaugeSource>();

  constructor(options: WarrenMetricsOptions = {}) {
    const sources = this.sources;
    const clusters = this.clusters;
    new Gauge({
      name: 'warren_cluster_members',
      help: 'Runtime nodes this node counts as live members (itself included), as its failure detector sees them.',
      registers: [this.registry],
      collect() {
        let n = 0;
        for (const c of clusters) n = Math.max(n, c.members());
        this.set(n);
      },
    });
    new Gauge({
      name: 'warren_cluster_shards_owned',
      help: 'Entity shards this node consumes now, by entity type.',
      labelNames: ['entity_type'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const c of clusters) for (const [type, n] of Object.entries(c.shardsOwned())) this.inc({ entity_type: type }, n);
      },
    });
    new Gauge({
      name: 'warren_active_actors',
      help: 'Entity actor activations live in this process.',
      registers: [this.registry],
      collect() {
        this.set(sources.sum((s) => s.activeActors()));
      },
    });
    new Gauge({
      name: 'warren_mailbox_depth',
      help: 'Messages waiting in actor mailboxes in this process.',
      registers: [this.registry],
      collect() {
        this.set(sources.sum((s) => s.mailboxDepth()));
      },
    });
    const brokers = this.brokers;
    new Gauge({
      name: 'warren_broker_connected',
      help: "1 while this process's RabbitMQ connection is up (every one, when it has several), else 0.",
      registers: [this.registry],
      collect() {
        this.set(brokers.size > 0 && [...brokers].every((connected) => connected()) ? 1 : 0);
      },
    });
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  /** Content type of {@link metrics} (the Prometheus text format of the registry). */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** The text exposition of every metric, for `GET /metrics`. */
  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  /**
   * Reads `activeActors()` and `mailboxDepth()` of `source` at every scrape (several sources
   * are summed). Returns a function that stops reading it.
   */
  observeRuntime(source: RuntimeGaugeSource): () => void {
    return this.sources.add(source);
  }

  /** Reads the members and the shards owned of a runtime node's shard coordinator at every scrape. */
  observeCluster(source: ClusterGaugeSource): () => void {
    this.clusters.add(source);
    return () => {
      this.clusters.delete(source);
    };
  }

  /** This node finished handing off a shard of `entityType` in `ms`. */
  handOffDone(entityType: string, ms: number): void {
    this.handOffs.inc({ entity_type: entityType });
    this.handOffSeconds.observe({ entity_type: entityType }, msToSeconds(ms));
  }

  /** Reads `connected()` at every scrape for `warren_broker_connected`. Returns a function that stops reading it. */
  observeBroker(connected: () => boolean): () => void {
    this.brokers.add(connected);
    return () => {
      this.brokers.delete(connected);
    };
  }

  /** A dead letter was recorded with error `code` for a message to an actor of `actorType`. */
  deadLetterRecorded(code: string, actorType: string): void {
    this.deadLetters.inc({ code, actor_type: actorType });
  }

  /** The first delta of a turn (`session`) or a chat completion (`chat`) went out `ms` after it started. */
  firstDeltaSent(source: 'session' | 'chat', ms: number): void {
    this.firstDelta.observe({ source }, msToSeconds(ms));
  }

  /** The proactive policy decided about a message of `intent` (`reason`: why, or `none`). */
  proactiveDecision(intent: string, decision: string, reason = 'none'): void {
    this.proactive.inc({ intent, decision, reason });
  }

  /** A turn ended with `outcome`. */
  turnEnded(outcome: TurnOutcome): void {
    this.turns.inc({ outcome });
  }

  /** One step of a turn took `ms`. */
  stepDuration(step: string, ms: number): void {
    this.steps.observe({ step }, msToSeconds(ms));
  }

  /** A whole turn took `ms`. */
  turnDuration(ms: number): void {
    this.turnSeconds.observe(msToSeconds(ms));
  }

  /** A call to model endpoint `model` took `ms` and used these tokens. */
  modelCall(model: string, ms: number, promptTokens: number, completionTokens: number): void {
    this.modelDuration.observe({ model }, msToSeconds(ms));
    this.modelLatency.observe({ model }, msToSeconds(ms));
    if (promptTokens > 0) this.modelTokens.inc({ model, kind: 'prompt' }, promptTokens);
    if (completionTokens > 0) this.modelTokens.inc({ model, kind: 'completion' }, completionTokens);
  }

  /** Moderation blocked a message (`in`: user input, `out`: model output) for `category`. */
  moderationBlocked(direction: ModerationDirection, category: string): void {
    this.moderationBlocks.inc({ direction, category });
  }

  /**
   * A turn's routed model call was answered by `endpoint`; `strategy` and `arm` name the A/B split
   * that decided (both `none` when no weighted strategy was on the path).
   */
  routingDecision(strategy: string, arm: string, endpoint: string): void {
    this.routingDecisions.inc({ strategy, arm, endpoint });
  }

  /** A semantic cache lookup: `hit` reused a stored answer, `miss` went to the model. */
  cacheLookup(result: 'hit' | 'miss'): void {
    this.cacheLookups.inc({ result });
  }

  /** The limiter of `tenant` refused a request. */
  limiterRejected(tenant: string): void {
    this.limiterRejects.inc({ tenant });
  }

  /** The gateway answered `method route` (the route pattern, not the raw path) with `status` in `ms`. */
  httpRequest(route: string, method: string, status: number, ms: number): void {
    this.httpRequests.inc({ route, method, status: String(status) });
    this.httpDuration.observe({ route, method }, msToSeconds(ms));
  }

  /** The gateway accepted a user message. */
  messageAccepted(): void {
    this.accepted.inc();
  }

  /** A reminder fire was published `latenessMs` after its scheduled time. */
  reminderDelivered(latenessMs: number, timing: 'on-time' | 'late'): void {
    this.reminderLateness.observe(msToSeconds(Math.max(0, latenessMs)));
    this.reminderDeliveries.inc({ timing });
  }

  /** `count` reminder fires were not delivered: missed (policy) or expired (ttl). */
  reminderSkipped(reason: 'missed' | 'expired', count = 1): void {
    if (count > 0) this.reminderSkips.inc({ reason }, count);
  }

  /** A reminder delivery could not be published. */
  reminderDeliveryFailed(): void {
    this.reminderFailures.inc();
  }

  /** A delivered reminder's lease was gone when the scheduler advanced or completed it. */
  reminderLeaseLost(): void {
    this.reminderLostLeases.inc();
  }
}
