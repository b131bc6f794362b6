/** What the gateway bench reports: its rows of the results table and its paragraphs of RESULTS.md. */

import { cpuPerTurn } from './cpu-meter';
import { CONNECTIONS, type GatewayBenchResult, SESSIONS, WARMUP_SECONDS } from './gateway.bench';
import type { BenchRow } from './support';

/** The gateway bench's rows of the results table. */
export function gatewayRows(r: GatewayBenchResult): BenchRow[] {
  const run = r.run;
  const codes = Object.entries(r.failedCodes)
    .map(([c, n]) => `${c} ×${n}`)
    .join(', ');
  const how =
    `autocannon (programmatic, in the bench process) → POST /v1/sessions/:id/messages {"text":"hello"} with Bearer dev-key, ${CONNECTIONS} connections, ` +
    `${run.seconds} s after a ${WARMUP_SECONDS} s warm-up, path rotated over ${SESSIONS} session ids; all-in-one app in a child process ` +
    `(gateway and runtime in one process: the turns run while the gateway accepts), local model at zero latency, limiter limits raised. ` +
    `${run.requests} requests: ${run.accepted} × 202, non-2xx ${run.non2xx}, socket errors ${run.errors}, timeouts ${run.timeouts}; ` +
    `latency p90 ${run.p90} ms, max ${run.max} ms. ${cpuPerTurn(run.cpu, Math.max(1, run.accepted)).replace('per turn', 'per accepted POST (turns running meanwhile)')}`;
  return [
    {
      name: 'gateway accepted messages/s',
      unit: 'msg/s',
      warren: run.acceptedPerSecond,
      target: '≥ 5,000/s',
      met: run.acceptedPerSecond >= 5000 && run.non2xx === 0,
      how,
    },
    {
      name: 'gateway POST latency p50',
      unit: 'ms',
      warren: run.p50,
      how: 'same run (autocannon latency, whole ms)',
    },
    {
      name: 'gateway POST latency p99',
      unit: 'ms',
      warren: run.p99,
      target: '< 20 ms',
      met: run.p99 < 20,
      how: 'same run (autocannon latency, whole ms)',
    },
    ...(r.alone
      ? [
          {
            name: 'gateway alone (no runtime) accepted/s',
            unit: 'msg/s',
            warren: r.alone.acceptedPerSecond,
            how:
              `diagnostic, not the target: \`dist/apps/gateway\` alone in its own vhost (no runtime: accepted messages wait in the session shard ` +
              `queues, no turn shares the event loop), same autocannon load for ${r.alone.seconds} s: POST p50 ${r.alone.p50} ms, p99 ${r.alone.p99} ms, ` +
              `non-2xx ${r.alone.non2xx}, errors ${r.alone.errors}. ${cpuPerTurn(r.alone.cpu, Math.max(1, r.alone.accepted)).replace('per turn', 'per POST')}`,
          },
        ]
      : []),
    ...(r.split
      ? [
          {
            name: 'gateway + runtime as two processes accepted/s',
            unit: 'msg/s',
            warren: r.split.run.acceptedPerSecond,
            how:
              `diagnostic, the production topology: \`dist/apps/runtime\` and \`dist/apps/gateway\` as two processes on one vhost and one ` +
              `data dir, the same autocannon load on the gateway for ${r.split.run.seconds} s: POST p50 ${r.split.run.p50} ms, ` +
              `p99 ${r.split.run.p99} ms, non-2xx ${r.split.run.non2xx}, errors ${r.split.run.errors}; of the ${r.split.run.accepted} 202s ` +
              `${r.split.replies} replied, ${r.split.failed} failed, ${r.split.lost} never ended (backlog drained ` +
              `${r.split.drainSeconds.toFixed(1)} s after the run); warnings logged ${r.split.warnings}. ` +
              `${cpuPerTurn(r.split.run.cpu, Math.max(1, r.split.run.accepted)).replace('per turn', 'per POST').replace('Warren', 'gateway process')}, ` +
              `runtime process ${Math.round((r.split.runtimeS * 1e6) / Math.max(1, r.split.run.accepted))} µs (turns running meanwhile).`,
          },
        ]
      : []),
    {
      name: 'gateway 202s that became turns',
      unit: 'turns',
      warren: r.replies,
      target: `= ${run.accepted}`,
      met: r.replies === run.accepted,
      how:
        `every 202's taskId followed on warren.events (session.*.reply|failed|interrupted): ${r.replies} replies, ${r.failed} failed` +
        `${codes ? ` (${codes})` : ''}, ${r.lost} without an end event; ${r.endedAtStop} had ended when autocannon stopped; ` +
        `messages left in warren.dead (the keeper consumes it): ${r.deadLetters}; app warnings/errors logged: ${r.warnings}.`,
    },
    {
      name: 'gateway backlog drain after the run',
      unit: 's',
      warren: r.drainSeconds,
      how:
        `from the end of the autocannon run until the last of its turns ended; turns completed at ${Math.round(r.turnsPerSecond)}/s over ` +
        `run + drain. ${cpuPerTurn(r.cpuDrain, Math.max(1, run.accepted - r.endedAtStop))} (drain only).`,
    },
  ];
}

/** The gateway's paragraphs of the "Turns and gateway" section of RESULTS.md. */
export function gatewaySection(g: GatewayBenchResult): string[] {
  const out = [
    `**Gateway**: ${Math.round(g.run.acceptedPerSecond)} accepted/s (target ≥ 5,000), POST p50 ${g.run.p50} ms, p90 ${g.run.p90} ms, ` +
      `p99 ${g.run.p99} ms (target < 20 ms), max ${g.run.max} ms; ${g.run.requests} requests, non-2xx ${g.run.non2xx}, errors ${g.run.errors}. ` +
      `Of the ${g.run.accepted} accepted turns: ${g.replies} replied, ${g.failed} failed, ${g.lost} never ended; ${g.endedAtStop} had ended when ` +
      `the load stopped, the rest drained in ${g.drainSeconds.toFixed(1)} s (turns ended at ${Math.round(g.turnsPerSecond)}/s over run + drain). ` +
      `${cpuPerTurn(g.run.cpu, Math.max(1, g.run.accepted)).replace('per turn', 'per accepted POST during the run (turns running meanwhile)')}.`,
    '',
  ];
  if (g.alone) {
    out.push(
      `Diagnostic, **gateway app alone** (\`dist/apps/gateway\`, no runtime, so no turn shares its event loop; the messages wait in the ` +
        `session shards), same load: ${Math.round(g.alone.acceptedPerSecond)} accepted/s, POST p50 ${g.alone.p50} ms, p99 ${g.alone.p99} ms, ` +
        `non-2xx ${g.alone.non2xx}. ${cpuPerTurn(g.alone.cpu, Math.max(1, g.alone.accepted)).replace('per turn', 'per POST')}.`,
      '',
    );
  }
  return out;
}
