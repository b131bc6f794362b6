import { WarrenMetrics } from './warren-metrics';

describe('WarrenMetrics', () => {
  it('exposes shard ownership: members, shards owned per type, hand-offs and their durations', async () => {
    const m = new WarrenMetrics({ defaultMetrics: false });
    const stop = m.observeCluster({ members: () => 3, shardsOwned: () => ({ session: 6, ingress: 5 }) });
    m.handOffDone('session', 120);
    m.handOffDone('session', 80);
    const text = await m.metrics();
    expect(text).toContain('warren_cluster_members 3');
    expect(text).toContain('warren_cluster_shards_owned{entity_type="session"} 6');
    expect(text).toContain('warren_cluster_shards_owned{entity_type="ingress"} 5');
    expect(text).toContain('warren_cluster_handoffs_total{entity_type="session"} 2');
    expect(text).toContain('warren_cluster_handoff_duration_seconds_count{entity_type="session"} 2');
    expect(text).toContain('warren_cluster_handoff_duration_seconds_sum{entity_type="session"} 0.2');
    stop();
    expect(await m.metrics()).toContain('warren_cluster_members 0');
  });

  it('exposes every metric with its labels after the calls', async () => {
    const m = new WarrenMetrics({ defaultMetrics: false });
    m.turnEnded('completed');
    m.turnEnded('blocked');
    m.stepDuration('model', 120);
    m.turnDuration(250);
    m.modelCall('local', 80, 12, 30);
    m.moderationBlocked('in', 'pii');
    m.limiterRejected('acme');
    m.httpRequest('/v1/sessions/:sessionId/messages', 'POST', 202, 3);
    m.messageAccepted();
    m.routingDecision('split', 'b', 'fast');
    m.routingDecision('none', 'none', 'local');
    m.cacheLookup('hit');
    m.cacheLookup('miss');
    m.cacheLookup('miss');
    const text = await m.metrics();
    expect(text).toContain('warren_routing_decisions_total{strategy="split",arm="b",endpoint="fast"} 1');
    expect(text).toContain('warren_routing_decisions_total{strategy="none",arm="none",endpoint="local"} 1');
    expect(text).toContain('warren_cache_lookups_total{result="hit"} 1');
    expect(text).toContain('warren_cache_lookups_total{result="miss"} 2');
    expect(text).toContain('warren_turns_total{outcome="completed"} 1');
    expect(text).toContain('warren_turns_total{outcome="blocked"} 1');
    expect(text).toContain('warren_turn_step_duration_seconds_bucket{le="0.25",step="model"} 1');
    expect(text).toContain('warren_turn_step_duration_seconds_sum{step="model"} 0.12');
    expect(text).toContain('warren_turn_duration_seconds_count 1');
    expect(text).toContain('warren_model_call_duration_seconds_count{model="local"} 1');
    // The old name, kept one release with the same values.
    expect(text).toContain('warren_model_latency_seconds_count{model="local"} 1');
    expect(text).toContain('warren_model_tokens_total{model="local",kind="prompt"} 12');
    expect(text).toContain('warren_model_tokens_total{model="local",kind="completion"} 30');
    expect(text).toContain('warren_moderation_blocks_total{direction="in",category="pii"} 1');
    expect(text).toContain('warren_limiter_rejects_total{tenant="acme"} 1');
    expect(text).toContain('warren_gateway_requests_total{route="/v1/sessions/:sessionId/messages",method="POST",status="202"} 1');
    expect(text).toContain('warren_gateway_request_duration_seconds_count{route="/v1/sessions/:sessionId/messages",method="POST"} 1');
    expect(text).toContain('warren_gateway_messages_accepted_total 1');
    expect(m.contentType).toMatch(/^text\/plain/);
  });

  it('records reminder lateness, deliveries by timing, skips by reason, failures and lost leases', async () => {
    const m = new WarrenMetrics({ defaultMetrics: false });
    m.reminderDelivered(40, 'on-time');
    m.reminderDelivered(120_000, 'late');
    m.reminderSkipped('missed', 3);
    m.reminderSkipped('expired');
    m.reminderSkipped('expired', 0);
    m.reminderDeliveryFailed();
    m.reminderLeaseLost();
    const text = await m.metrics();
    expect(text).toContain('warren_reminder_lateness_seconds_bucket{le="0.05"} 1');
    expect(text).toContain('warren_reminder_lateness_seconds_bucket{le="300"} 2');
    expect(text).toContain('warren_reminder_deliveries_total{timing="on-time"} 1');
    expect(text).toContain('warren_reminder_deliveries_total{timing="late"} 1');
    expect(text).toContain('warren_reminder_skipped_total{reason="missed"} 3');
    expect(text).toContain('warren_reminder_skipped_total{reason="expired"} 1');
    expect(text).toContain('warren_reminder_delivery_failures_total 1');
    expect(text).toContain('warren_reminder_lost_leases_total 1');
  });

  it('has buckets from 0.5 ms to 30 s', async () => {
    const m = new WarrenMetrics({ defaultMetrics: false });
    m.turnDuration(0.2);
    const text = await m.metrics();
    expect(text).toContain('warren_turn_duration_seconds_bucket{le="0.0005"} 1');
    expect(text).toContain('warren_turn_duration_seconds_bucket{le="30"} 1');
  });

  it('two instances do not share state or a registry', async () => {
    const a = new WarrenMetrics();
    const b = new WarrenMetrics();
    a.limiterRejected('t1');
    a.limiterRejected('t1');
    expect(a.registry).not.toBe(b.registry);
    expect(await a.metrics()).toContain('warren_limiter_rejects_total{tenant="t1"} 2');
    expect(await b.metrics()).not.toContain('tenant="t1"');
  });

  it('collects process metrics unless told not to', async () => {
    expect(await new WarrenMetrics().metrics()).toContain('process_cpu_user_seconds_total');
    expect(await new WarrenMetrics({ defaultMetrics: false }).metrics()).not.toContain('process_cpu_user_seconds_total');
  });

  it('reads the actor gauges from the registered sources at scrape time, summed', async () => {
    const m = new WarrenMetrics({ defaultMetrics: false });
    let active = 3;
    m.observeRuntime({ activeActors: () => active, mailboxDepth: () => 5 });
    const stop = m.observeRuntime({ activeActors: () => 2, mailboxDepth: () => 1 });
    expect(await m.metrics()).toContain('warren_active_actors 5');
    expect(await m.metrics()).toContain('warren_mailbox_depth 6');
    active = 10;
    expect(await m.metrics()).toContain('warren_active_actors 12');
    stop();
    expect(await m.metrics()).toContain('warren_active_actors 10');
    expect(await m.metrics()).toContain('warren_mailbox_depth 5');
  });

  it('a throwing source does not break the scrape', async () => {
    const m = new WarrenMetrics({ defaultMetrics: false });
    m.observeRuntime({
      activeActors: () => {
        throw new Error('stopping');
      },
      mailboxDepth: () => Number.NaN,
    });
    m.observeRuntime({ activeActors: () => 1, mailboxDepth: () => 2 });
    const text = await m.metrics();
    expect(text).toContain('warren_active_actors 1');
    expect(text).toContain('warren_mailbox_depth 2');
  });

  it('records time to first delta by source, dead letters by code and actor type, and whether the broker is connected', async () => {
    const m = new WarrenMetrics({ defaultMetrics: false });
    expect(await m.metrics()).toContain('warren_broker_connected 0');
    let up = true;
    const stop = m.observeBroker(() => up);
    expect(await m.metrics()).toContain('warren_broker_connected 1');
    up = false;
    expect(await m.metrics()).toContain('warren_broker_connected 0');
    stop();
    m.firstDeltaSent('session', 40);
    m.firstDeltaSent('chat', 2);
    m.deadLetterRecorded('WARREN_MODEL_UNAVAILABLE', 'session');
    m.deadLetterRecorded('WARREN_MODEL_UNAVAILABLE', 'session');
    const text = await m.metrics();
    expect(text).toContain('warren_time_to_first_delta_seconds_bucket{le="0.05",source="session"} 1');
    expect(text).toContain('warren_time_to_first_delta_seconds_count{source="chat"} 1');
    expect(text).toContain('warren_dead_letters_total{code="WARREN_MODEL_UNAVAILABLE",actor_type="session"} 2');
  });
});
