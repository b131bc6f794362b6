import { Inject } from '@nestjs/common';
import { Actor, type ActorContext, Handle } from '@warren/actors';
import { ModelComplete, type ModelCompletionEnd, type ModelDelta } from '@warren/contracts';
import { endSpan, otelContext, SpanKind, startSpan } from '@warren/telemetry';
import { coalesceDeltas } from './delta-coalescing';
import { ModelUnavailableError } from './errors/model.errors';
import type { CompletionRequest } from './model-endpoint.port';
import { MODEL_ENDPOINTS, type ModelEndpointRegistry } from './model-endpoint-registry';

/**
 * The `model/<name>` worker pool: streams the completion of endpoint `<name>` to the asker,
 * one `{ text }` chunk per delta (deltas that are ready together make one chunk, see
 * `coalesceDeltas`), and ends the stream with the `ModelCompletionEnd` (model, usage,
 * finishReason). Endpoint errors cross the wire with their code.
 */
@Actor('model', { kind: 'worker' })
export class ModelWorkerActor {
  constructor(@Inject(MODEL_ENDPOINTS) private readonly endpoints: ModelEndpointRegistry) {}

  @Handle(ModelComplete)
  async *complete(msg: ModelComplete, ctx: ActorContext): AsyncGenerator<ModelDelta, ModelCompletionEnd, undefined> {
    const endpoint = this.endpoints.get(ctx.key);
    if (!endpoint) throw new ModelUnavailableError(ctx.key, `no endpoint named "${ctx.key}" on this node`, { retryable: false });
    // The model call's span (a client span, child of this handler's): the upstream HTTP request carries it.
    const { span, ctx: callTrace } = startSpan(`chat ${ctx.key}`, otelContext.active(), SpanKind.CLIENT, {
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': ctx.key,
      ...(msg.maxTokens === undefined ? {} : { 'gen_ai.request.max_tokens': msg.maxTokens }),
    });
    let failure: unknown;
    try {
      const { deltas, result } = otelContext.with(callTrace, () => endpoint.complete(toCompletionRequest(msg), ctx.signal));
      for await (const text of coalesceDeltas(deltas)) yield { text };
      const end = await result;
      if (end.toolCalls?.length) span.setAttribute('gen_ai.response.tool_calls', end.toolCalls.map((c) => c.name).join(','));
      span.setAttributes({
        'gen_ai.response.model': end.model,
        'gen_ai.usage.input_tokens': end.usage.promptTokens,
        'gen_ai.usage.output_tokens': end.usage.completionTokens,
        'gen_ai.response.finish_reasons': end.finishReason,
      });
      return end;
    } catch (error) {
      failure = error;
      throw error;
    } finally {
      endSpan(span, failure);
    }
  }
}

/**
 * The port's request from the wire message. `locale` is passed on when the message has one
 * (the local model also infers it from a greeting).
 */
function toCompletionRequest(msg: ModelComplete): CompletionRequest {
  return {
    messages: msg.messages.map((m) => ({
      role: m.role,
      content: m.content,
      ...(m.toolCalls ? { toolCalls: m.toolCalls } : {}),
      ...(m.toolCallId ? { toolCallId: m.toolCallId } : {}),
    })),
    ...(msg.maxTokens === undefined ? {} : { maxTokens: msg.maxTokens }),
    ...(msg.temperature === undefined ? {} : { temperature: msg.temperature }),
    ...(msg.locale === undefined ? {} : { locale: msg.locale }),
    ...(msg.tools === undefined ? {} : { tools: msg.tools }),
    ...(msg.toolChoice === undefined ? {} : { toolChoice: msg.toolChoice }),
  };
}
