import { Logger } from '@nestjs/common';
import type { ActorContext } from '@warren/actors';
import {
  type ChatMessage,
  fillProactiveTemplate,
  ModelComplete,
  type ModelCompletionEnd,
  type ModelDelta,
  type ProactiveDeliver,
  type ProactiveProbeReply,
  SESSION_EVENT_TYPES,
  type SessionProactiveData,
  sessionEventKey,
} from '@warren/contracts';
import type { Moderator } from '@warren/moderation';
import type { WarrenStore } from '@warren/store';
import type { ProactiveMetrics } from '../intents/intent.actor';
import type { SessionOptions } from './session.options';
import type { SessionState } from './session-state';

const log = new Logger('SessionProactive');

/** What composing a proactive message needs. */
export interface ProactiveDeliveryDeps {
  options: SessionOptions;
  store: WarrenStore;
  moderator: Moderator;
  metrics?: ProactiveMetrics;
}

/** The session's answer to the intent actor's probe: a turn in progress makes it wait. */
export function probeReply(state: SessionState | undefined): ProactiveProbeReply {
  return state?.current !== undefined ? { busy: true, taskId: state.current } : { busy: false };
}

/**
 * Composes a proactive message the policy let through and says it: the rule's template filled
 * in, or its prompt through the session's model (`model/<name>`, saved as a step so a redelivery
 * does not call the model again); moderated like a reply (blocked: not sent, counted as
 * `suppressed`/`moderation`; personal data masked). Then, in the message's one commit, the history
 * (an assistant part with id `<delivery id>:assistant`) and, in its outbox, `session.<id>.proactive`
 * (event id `<delivery id>:event`: published once the part is committed, again until confirmed).
 */
export async function deliverProactive(msg: ProactiveDeliver, ctx: ActorContext<SessionState>, deps: ProactiveDeliveryDeps): Promise<void> {
  const sep = ctx.key.indexOf('~');
  const tenant = ctx.key.slice(0, sep);
  const sessionId = ctx.key.slice(sep + 1);
  const vars = msg.vars ?? {};
  const composed =
    msg.template !== undefined
      ? { text: fillProactiveTemplate(msg.template, vars), model: 'template' }
      : await ctx.step('proactive-model', () => callModel(fillProactiveTemplate(msg.prompt ?? '', vars), ctx, deps.options));
  const checked = deps.moderator.check(composed.text, 'out');
  if (!checked.allowed || checked.text.trim() === '') {
    const why = checked.allowed ? 'empty' : 'moderation';
    deps.metrics?.proactiveDecision(msg.intent, 'suppressed', why);
    log.log(`${ctx.self}: proactive ${msg.reminderId} suppressed (${why})`);
    return;
  }
  ctx.commitWith({
    history: [
      {
        tenant,
        sessionId,
        ...(msg.userId ? { userId: msg.userId } : {}),
        id: `${ctx.messageId}:assistant`,
        role: 'assistant',
        content: checked.text,
        model: composed.model,
      },
    ],
  });
  // The turn that caused it, by the id its client knows (a raw producer's own CloudEvent id).
  const taskId = msg.taskId ? ((await deps.store.tasks.get(msg.taskId))?.clientTaskId ?? msg.taskId) : undefined;
  const data: SessionProactiveData = {
    text: checked.text,
    intent: msg.intent,
    reminderId: msg.reminderId,
    ...(taskId ? { taskId } : {}),
    priority: msg.priority,
  };
  await ctx.emit(sessionEventKey(sessionId, 'proactive'), SESSION_EVENT_TYPES.PROACTIVE, data, {
    subject: sessionId,
    id: `${ctx.messageId}:event`,
    afterCommit: true,
  });
  deps.metrics?.proactiveDecision(msg.intent, 'delivered');
  log.log(
    `${ctx.self}: proactive ${msg.reminderId} delivered (${composed.model}, due ${msg.scheduledAt}, decision ${JSON.stringify(msg.decision ?? {})})`,
  );
}

async function callModel(
  prompt: string,
  ctx: ActorContext<SessionState>,
  options: SessionOptions,
): Promise<{ text: string; model: string }> {
  const messages: ChatMessage[] = [
    { role: 'system', content: options.systemPrompt },
    { role: 'user', content: prompt },
  ];
  const request = Object.assign(new ModelComplete(), { messages, maxTokens: options.maxOutputTokens });
  const parts = ctx.askStream<ModelDelta, ModelCompletionEnd>(`model/${options.model}`, request, { timeoutMs: options.modelTimeoutMs });
  let text = '';
  for (;;) {
    const next = await parts.next();
    if (next.done) return { text, model: next.value?.model ?? options.model };
    text += next.value.text;
  }
}
