import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api, describe, when } from './api';
import { parseMetrics, type Sample, total } from './metrics-text';

interface EndpointState {
  name: string;
  state: string;
  cooldownUntil?: string;
  latencyMs?: number;
  samples: number;
  outstanding: number;
  consecutiveFailures: number;
  served: boolean;
}

/** Model endpoints: healthy or in cooldown (until when), latency, calls in flight, as the cluster's runtime nodes see them. */
export function Endpoints() {
  const [view, setView] = useState<{
    scope: string;
    node: string;
    nodes?: { node: string }[];
    note?: string;
    endpoints: EndpointState[];
  }>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    const load = () => api<typeof view>('/v1/admin/endpoints').then(setView, (e) => setError(describe(e)));
    void load();
    const t = setInterval(load, 5000);
    return () => clearInterval(t);
  }, []);
  return (
    <section>
      <h2>Model endpoints</h2>
      {error && <p class="error">{error}</p>}
      {view && (
        <>
          <p class="muted">
            {view.scope === 'cluster'
              ? `As the runtime nodes ${(view.nodes ?? []).map((n) => n.node).join(', ')} measure them (merged).`
              : `No view (${view.scope}).`}{' '}
            {view.note}
          </p>
          <table>
            <thead>
              <tr>
                <th>Endpoint</th>
                <th>State</th>
                <th>Cooldown until</th>
                <th>Latency (EWMA)</th>
                <th>In flight</th>
                <th>Failures in a row</th>
              </tr>
            </thead>
            <tbody>
              {view.endpoints.map((e) => (
                <tr key={e.name}>
                  <td class="mono">{e.name}</td>
                  <td>
                    <span class={`badge ${e.state}`}>{e.state}</span>
                  </td>
                  <td>{when(e.cooldownUntil)}</td>
                  <td>{e.latencyMs === undefined ? '' : `${e.latencyMs} ms`}</td>
                  <td>{e.outstanding}</td>
                  <td>{e.consecutiveFailures}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

/** The counters shown, from this gateway's `/metrics`. */
const COUNTERS: { title: string; read: (s: Sample[]) => number; rate?: boolean; unit?: string }[] = [
  { title: 'Turns completed', read: (s) => total(s, 'warren_turns_total', { outcome: 'completed' }), rate: true },
  { title: 'Turns failed', read: (s) => total(s, 'warren_turns_total', { outcome: 'failed' }), rate: true },
  { title: 'Turns interrupted', read: (s) => total(s, 'warren_turns_total', { outcome: 'interrupted' }), rate: true },
  { title: 'Messages accepted', read: (s) => total(s, 'warren_gateway_messages_accepted_total'), rate: true },
  { title: 'Dead letters recorded', read: (s) => total(s, 'warren_dead_letters_total'), rate: true },
  { title: 'HTTP requests', read: (s) => total(s, 'warren_gateway_requests_total'), rate: true },
  { title: 'Unmatched requests', read: (s) => total(s, 'warren_gateway_requests_total', { route: 'unmatched' }), rate: true },
  {
    title: 'Mean time to first delta',
    read: (s) => {
      const n = total(s, 'warren_time_to_first_delta_seconds_count');
      return n === 0 ? 0 : (total(s, 'warren_time_to_first_delta_seconds_sum') / n) * 1000;
    },
    unit: 'ms',
  },
  { title: 'Broker connected', read: (s) => total(s, 'warren_broker_connected') },
  { title: 'Active actors', read: (s) => total(s, 'warren_active_actors') },
  { title: 'Mailbox depth', read: (s) => total(s, 'warren_mailbox_depth') },
];

/** Live counters from `/metrics`, read every 5 s, with the rate since the last reading. */
export function LiveCounters() {
  const [now, setNow] = useState<{ at: number; samples: Sample[] }>();
  const before = useRef<{ at: number; samples: Sample[] }>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    const load = () =>
      fetch('/metrics', { cache: 'no-store' })
        .then((r) => (r.ok ? r.text() : Promise.reject(new Error(`/metrics answered ${r.status}`))))
        .then(
          (text) =>
            setNow((previous) => {
              before.current = previous;
              return { at: Date.now(), samples: parseMetrics(text) };
            }),
          (e) => setError(describe(e)),
        );
    void load();
    const t = setInterval(load, 5000);
    return () => clearInterval(t);
  }, []);
  return (
    <section>
      <h2>Live counters</h2>
      <p class="muted">This gateway's /metrics, every 5 s{now ? `; read ${new Date(now.at).toLocaleTimeString()}` : ''}.</p>
      {error && <p class="error">{error}</p>}
      {now && (
        <div class="counters" data-testid="counters">
          {COUNTERS.map((c) => {
            const value = c.read(now.samples);
            const prev = before.current;
            const perSecond = c.rate && prev ? (value - c.read(prev.samples)) / ((now.at - prev.at) / 1000) : undefined;
            return (
              <div class="counter" key={c.title}>
                <div class="muted">{c.title}</div>
                <div class="value">
                  {Math.round(value * 10) / 10}
                  {c.unit ? ` ${c.unit}` : ''}
                </div>
                {perSecond !== undefined && <div class="muted">{perSecond.toFixed(2)}/s</div>}
              </div>
            );
          })}
        </div>
      )}
    </section>
  );
}

interface ClusterSnapshot {
  observedBy: string;
  nodes: { node: string; startedAt: string; lastSeen: string; types: string[]; shards: Record<string, number>; handOffs: number }[];
  shards: { type: string; node: string; count: number; shards: string }[];
  handOffs: {
    inProgress: { node: string; type: string; shard: number; forMs: number }[];
    recent: { node: string; type: string; shard: number; ms: number; at: string }[];
    total: number;
  };
}

/** How often the cluster panel asks again (nodes announce themselves every second by default). */
const CLUSTER_REFRESH_MS = 5_000;

/**
 * Runtime nodes, the shards each owns and shard hand-offs, from `GET /v1/admin/cluster` (the
 * gateway hears every node's announcements); refreshed every few seconds.
 */
export function Cluster() {
  const [view, setView] = useState<ClusterSnapshot>();
  const [state, setState] = useState<'loading' | 'shown' | 'unavailable'>('loading');
  const [why, setWhy] = useState<string>();
  useEffect(() => {
    const load = () =>
      api<ClusterSnapshot>('/v1/admin/cluster').then(
        (v) => {
          setView(v);
          setState('shown');
        },
        (e) => {
          setState('unavailable');
          setWhy(e instanceof ApiError && e.status === 404 ? undefined : describe(e));
        },
      );
    load();
    const timer = setInterval(load, CLUSTER_REFRESH_MS);
    return () => clearInterval(timer);
  }, []);
  const counts = (m: Record<string, number>) =>
    Object.entries(m)
      .map(([t, n]) => `${t} ${n}`)
      .join(', ');
  return (
    <section>
      <h2>Cluster</h2>
      {state === 'loading' && <p class="muted">Loading…</p>}
      {state === 'unavailable' && (
        <p class="muted" data-testid="cluster-unavailable">
          Cluster membership is not available from this gateway{why ? ` (${why})` : ''}.
        </p>
      )}
      {state === 'shown' && view && (
        <div data-testid="cluster">
          {view.nodes.length === 0 && <p class="muted">No runtime node has announced itself (none running on this vhost?).</p>}
          {view.nodes.length > 0 && (
            <Rows
              title={`Nodes (${view.nodes.length})`}
              rows={view.nodes.map((n) => ({
                node: n.node,
                shards: counts(n.shards),
                'hand-offs': n.handOffs,
                started: n.startedAt,
                'last heard': n.lastSeen,
              }))}
            />
          )}
          {view.shards.length > 0 && <Rows title="Shard owners" rows={view.shards as unknown as Record<string, unknown>[]} />}
          <h3>Hand-offs ({view.handOffs.total} done)</h3>
          {view.handOffs.inProgress.length === 0 && <p class="muted">None in progress.</p>}
          {view.handOffs.inProgress.length > 0 && (
            <Rows title="In progress" rows={view.handOffs.inProgress as unknown as Record<string, unknown>[]} />
          )}
          {view.handOffs.recent.length > 0 && <Rows title="Recent" rows={view.handOffs.recent as unknown as Record<string, unknown>[]} />}
        </div>
      )}
    </section>
  );
}

/** A table of objects, one column per key. */
function Rows({ title, rows }: { title: string; rows: Record<string, unknown>[] }) {
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const show = (v: unknown) => (typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v ?? ''));
  return (
    <>
      <h3>{title}</h3>
      <table>
        <thead>
          <tr>
            {keys.map((k) => (
              <th key={k}>{k}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={show(r[keys[0]]) + i}>
              {keys.map((k) => (
                <td key={k} class="mono">
                  {show(r[k])}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

interface AuditEntry {
  actor: string;
  action: string;
  count: number;
  target?: unknown;
  details?: unknown;
  at: string;
}

/** Operators' actions, newest first (the console's replays, edits, discards and restores among them). */
export function Audit() {
  const [items, setItems] = useState<AuditEntry[]>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    api<{ items: AuditEntry[] }>('/v1/admin/audit?limit=100').then(
      (p) => setItems(p.items),
      (e) => setError(describe(e)),
    );
  }, []);
  return (
    <section>
      <h2>Audit log</h2>
      {error && <p class="error">{error}</p>}
      {items && (
        <table data-testid="audit">
          <thead>
            <tr>
              <th>When</th>
              <th>Who</th>
              <th>Action</th>
              <th>Count</th>
              <th>Target</th>
            </tr>
          </thead>
          <tbody>
            {items.map((a, i) => (
              <tr key={a.at + i}>
                <td>{when(a.at)}</td>
                <td>{a.actor}</td>
                <td class="mono">{a.action}</td>
                <td>{a.count}</td>
                <td class="mono">{JSON.stringify(a.target ?? '')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
