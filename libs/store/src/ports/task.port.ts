/** Task lifecycle: `accepted → queued → running → completed | failed | compensated | interrupted`. */
export type TaskStatus = 'accepted' | 'queued' | 'running' | 'completed' | 'failed' | 'compensated' | 'interrupted';

/** An error recorded on a task or a step (a stable `WARREN_*` code and a message). */
export interface TaskError {
  code: string;
  message: string;
}

/** A tool call made during a turn (step `tool`): what the model asked and what it got back. */
export interface TaskToolCall {
  /** The tool (`tool/<name>`). */
  name: string;
  /** The model's id of the call. */
  callId: string;
  /** The arguments as the model sent them (parsed when they were JSON, else the text). */
  arguments: unknown;
  /** The result as given to the model (text, cut at 4,000 characters); absent when the call failed. */
  result?: string;
}

/** One step of a turn with its timings (preprocess, moderation-in, limiter, model, tool, moderation-out …). */
export interface TaskStep {
  name: string;
  startedAt: Date;
  endedAt?: Date;
  durationMs?: number;
  outcome?: 'ok' | 'error' | 'skipped';
  error?: TaskError;
  /** Step `tool`: the call (its error, if it failed, is `error`). */
  tool?: TaskToolCall;
  /** What the step used or decided, as JSON data (the `retrieve` step: the passages' ids and scores). */
  details?: Record<string, unknown>;
}

/** Token usage and cost of a task. */
export interface TaskUsage {
  promptTokens?: number;
  completionTokens?: number;
  totalTokens?: number;
  costUsd?: number;
}

/** A status change with its time. */
export interface TaskTransition {
  status: TaskStatus;
  at: Date;
}

/** A task to create. */
export interface NewTask {
  /** The task id (`x-warren-task-id`). */
  id: string;
  /** The id the client knows the task by, when Warren scoped it (`x-warren-client-task-id`: a raw producer's CloudEvent id). */
  clientTaskId?: string;
  tenant: string;
  sessionId?: string;
  userId?: string;
  /** Address of the actor that owns the task. */
  actor?: string;
  /** `running` when the actor that runs it creates it (one write instead of two). @default 'accepted' */
  status?: 'accepted' | 'queued' | 'running';
  routing?: Record<string, unknown>;
  /** @default now */
  at?: Date;
}

/** A stored task. */
export interface TaskRecord {
  id: string;
  /** The id the client knows the task by (events carry it as `data.taskId`), when it differs from `id`. */
  clientTaskId?: string;
  tenant: string;
  sessionId?: string;
  userId?: string;
  actor?: string;
  status: TaskStatus;
  /** Steps in the order they were recorded. */
  steps: TaskStep[];
  /** Every status the task went through, oldest first. */
  transitions: TaskTransition[];
  routing?: Record<string, unknown>;
  usage?: TaskUsage;
  error?: TaskError;
  createdAt: Date;
  updatedAt: Date;
}

/** A status change, with what was learnt meanwhile. */
export interface TaskUpdate {
  status: TaskStatus;
  /** Steps to append. */
  steps?: TaskStep[];
  /** Replaces the routing decision. */
  routing?: Record<string, unknown>;
  /** Replaces the usage. */
  usage?: TaskUsage;
  /** Sets the error (failed, interrupted). */
  error?: TaskError;
  /** @default now */
  at?: Date;
}

/** Tasks (`tasks`). Status changes are validated and atomic: two racing updates cannot both apply. */
export interface TaskStore {
  /** Creates a task; if the id exists already (a redelivery), resolves with the stored task unchanged. */
  create(task: NewTask): Promise<TaskRecord>;
  /**
   * Changes the status. Rejects with `InvalidTransitionError` when the lifecycle forbids it
   * (e.g. `completed → running`) and `NotFoundError` for an unknown id. Same-status updates are allowed.
   */
  updateStatus(id: string, update: TaskUpdate): Promise<TaskRecord>;
  /** The task, or undefined. */
  get(id: string): Promise<TaskRecord | undefined>;
  /** Right to erasure: deletes the user's tasks and the tasks of the given sessions; resolves with the count. */
  eraseUser(tenant: string, userId: string, sessionIds: string[]): Promise<number>;
}
