import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { WarrenStore } from '@warren/store';
import type { EventTap } from './event-tap';

/** One message Warren accepted: its broker confirm (AMQP) or its 202 (HTTP) arrived. */
export interface AcceptedTurn {
  /** The id the client knows (the CloudEvent id, or the 202's task id): events carry it as `data.taskId`. */
  taskId: string;
  /** The task's id in the store (the ingress router scopes a CloudEvent id to the tenant and session). */
  storeTaskId: string;
  sessionId: string;
  path: 'amqp' | 'http';
  /** Order of sending within (session, path). */
  seq: number;
}

const TERMINAL = new Set(['reply', 'failed', 'interrupted']);
const STATUS_OF: Record<string, string> = { reply: 'completed', failed: 'failed', interrupted: 'interrupted' };

/**
 * Mixed load of user turns for fault tests: sessions that speak over raw AMQP (`warren.ingress`,
 * as a voice server does) and sessions that POST to the gateway, each sending its turns one after
 * another at `everyMs` without waiting for the answers. Only what Warren accepted is recorded: a
 * POST that failed (the broker was away) or a publish that was not confirmed is the sender's to retry.
 */
export class FaultLoad {
  readonly accepted: AcceptedTurn[] = [];
  readonly refused: string[] = [];
  private readonly seqs = new Map<string, number>();
  private running: Promise<void>[] = [];
  private stopped = false;

  constructor(
    private readonly tap: EventTap,
    private readonly gatewayUrl: string | undefined,
    private readonly apiKey = 'dev-key',
  ) {}

  /** Starts `sessions` sessions per path (a fresh prefix per call), `turns` turns each. */
  start(prefix: string, options: { sessions: number; turns: number; everyMs: number; paths?: ('amqp' | 'http')[] }): void {
    const paths = options.paths ?? (this.gatewayUrl ? ['amqp', 'http'] : ['amqp']);
    for (const path of paths) {
      for (let s = 0; s < options.sessions; s++) {
        const sessionId = `${prefix}-${path}-${s}`;
        this.running.push(this.speak(sessionId, path, options.turns, options.everyMs));
      }
    }
  }

  /** Resolves when every sender has sent its turns. */
  async sent(): Promise<void> {
    await Promise.all(this.running);
    this.running = [];
  }

  stop(): void {
    this.stopped = true;
  }

  private async speak(sessionId: string, path: 'amqp' | 'http', turns: number, everyMs: number): Promise<void> {
    for (let i = 0; i < turns && !this.stopped; i++) {
      try {
        const taskId =
          path === 'amqp' ? await this.tap.say(sessionId, `turn ${i} please`, { id: randomUUID() }) : await this.post(sessionId, i);
        const key = `${sessionId}/${path}`;
        const seq = this.seqs.get(key) ?? 0;
        this.seqs.set(key, seq + 1);
        this.accepted.push({ taskId, storeTaskId: path === 'amqp' ? this.tap.task(taskId) : taskId, sessionId, path, seq });
      } catch (error) {
        this.refused.push(`${sessionId} turn ${i}: ${(error as Error).message}`);
      }
      await new Promise((r) => setTimeout(r, everyMs));
    }
  }

  private async post(sessionId: string, i: number): Promise<string> {
    const res = await fetch(`${this.gatewayUrl}/v1/sessions/${sessionId}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text: `turn ${i} please` }),
      signal: AbortSignal.timeout(10_000),
    });
    if (res.status !== 202) throw new Error(`POST answered ${res.status}: ${await res.text()}`);
    return ((await res.json()) as { taskId: string }).taskId;
  }
}

/** Waits until every accepted turn has a terminal event on the tap (fails naming a few that have none). */
export async function waitForOutcomes(tap: EventTap, accepted: AcceptedTurn[], timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const missing = accepted.filter((t) => !tap.ofTask(t.taskId).some((e) => TERMINAL.has(e.kind)));
    if (missing.length === 0) return;
    if (Date.now() > deadline) {
      const some = missing.slice(0, 3).map((t) => `${t.sessionId}/${t.taskId}`);
      throw new Error(
        `${missing.length} of ${accepted.length} accepted turns have no terminal event after ${timeoutMs} ms, e.g. ${some.join(', ')}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * The invariant a fault must not break, checked for every accepted turn: exactly one terminal
 * event (`reply`, `failed` or `interrupted`; at-least-once delivery may repeat it, with the same
 * CloudEvent id), the task final with the matching status, the history exact (one user part, and
 * one assistant part for a reply), and per (session, path) the outcomes in the order sent.
 * Returns the problems found (empty when all holds).
 */
export async function outcomeProblems(tap: EventTap, store: WarrenStore, accepted: AcceptedTurn[]): Promise<string[]> {
  const problems: string[] = [];
  for (const t of accepted) {
    const ends = tap.ofTask(t.taskId).filter((e) => TERMINAL.has(e.kind));
    const ids = new Set(ends.map((e) => e.event.id));
    if (ids.size !== 1) {
      problems.push(`${t.sessionId}/${t.taskId}: ${ids.size} distinct terminal events (${ends.map((e) => e.kind).join(', ')})`);
      continue;
    }
    const kind = ends[0].kind;
    const task = await store.tasks.get(t.storeTaskId);
    if (task?.status !== STATUS_OF[kind]) problems.push(`${t.sessionId}/${t.taskId}: ${kind} event but task ${task?.status ?? 'missing'}`);
    const history = (await store.history.page({ tenant: 'dev', sessionId: t.sessionId }, { limit: 500, order: 'asc' })).items.filter(
      (p) => p.taskId === t.storeTaskId,
    );
    const users = history.filter((p) => p.role === 'user').length;
    const assistants = history.filter((p) => p.role === 'assistant').length;
    if (users !== 1 || (kind === 'reply' && assistants !== 1) || (kind === 'failed' && assistants !== 0)) {
      problems.push(`${t.sessionId}/${t.taskId}: ${kind} with ${users} user and ${assistants} assistant parts in history`);
    }
  }
  const groups = new Map<string, AcceptedTurn[]>();
  for (const t of accepted) groups.set(`${t.sessionId}/${t.path}`, [...(groups.get(`${t.sessionId}/${t.path}`) ?? []), t]);
  for (const [key, turns] of groups) {
    const firstEnd = (t: AcceptedTurn) => tap.events.findIndex((e) => TERMINAL.has(e.kind) && e.event.data?.taskId === t.taskId);
    const order = [...turns].sort((a, b) => firstEnd(a) - firstEnd(b)).map((t) => t.seq);
    if (order.some((seq, i) => i > 0 && seq < order[i - 1])) problems.push(`${key}: outcomes out of order (${order.join(',')})`);
  }
  return problems;
}

/** Closes the vhost's connections whose client name starts with `prefix` (Warren's are `warren <nodeId>`), as a network cut would. */
export function closeConnectionsNamed(vhost: string, prefix = 'warren '): number {
  // The plain (not JSON) listing: its pids are what close_connection takes.
  const out = execFileSync('rabbitmqctl', ['-q', 'list_connections', 'pid', 'vhost', 'client_properties'], { encoding: 'utf8' });
  let closed = 0;
  for (const line of out.split('\n')) {
    const [pid, vh, props] = line.split('\t');
    const name = /\{"connection_name","([^"]*)"\}/.exec(props ?? '')?.[1];
    if (vh !== vhost || name === undefined || !name.startsWith(prefix)) continue;
    try {
      execFileSync('rabbitmqctl', ['-q', 'close_connection', pid, 'test: connection cut on purpose'], { stdio: 'ignore' });
      closed++;
    } catch {
      // closed meanwhile
    }
  }
  return closed;
}
