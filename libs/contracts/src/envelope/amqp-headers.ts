/** AMQP header names of the wire contract (docs/asyncapi.yaml; docs/architecture.md, "The envelope"). */
export const WARREN_HEADERS = Object.freeze({
  TRACEPARENT: 'traceparent',
  TRACESTATE: 'tracestate',
  TASK_ID: 'x-warren-task-id',
  /**
   * The task id as the client named it, when Warren scoped it: the ingress CloudEvent id of a raw
   * producer's turn (its `x-warren-task-id` is scoped to the tenant and session, so two sessions
   * reusing one id never collide). Events of the turn carry it as `data.taskId`.
   */
  CLIENT_TASK_ID: 'x-warren-client-task-id',
  SENDER: 'x-warren-sender',
  ATTEMPT: 'x-warren-attempt',
  REPLAY_OF: 'x-warren-replay-of',
  ERROR: 'x-warren-error',
  /** Every failed attempt at handling a message, oldest first (the last 20; libs/amqp `attemptsHeader`). */
  ATTEMPTS: 'x-warren-attempts',
  /** Actor address the message was addressed to (set by Warren producers; read by the dead-letter keeper). */
  TARGET: 'x-warren-target',
  /** Queue the message was consumed from when it was dead-lettered or sent to a retry tier. */
  ORIGIN_QUEUE: 'x-warren-origin-queue',
  /** Exchange and routing key the message was published with when it failed, so a replay can send it back there. */
  ORIGIN_EXCHANGE: 'x-warren-origin-exchange',
  ORIGIN_ROUTING_KEY: 'x-warren-origin-routing-key',
  /** Marks a reply chunk of a stream (`chunk`) or its end (`end`). */
  STREAM: 'x-warren-stream',
} as const);

/** Content type of every Warren body: structured-mode CloudEvents in JSON. */
export const CLOUDEVENTS_CONTENT_TYPE = 'application/cloudevents+json';
