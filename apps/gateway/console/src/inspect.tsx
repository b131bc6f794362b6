import { useEffect, useState } from 'preact/hooks';
import { api, describe, query, when } from './api';

interface Task {
  id: string;
  clientTaskId?: string;
  tenant: string;
  sessionId?: string;
  userId?: string;
  actor?: string;
  status: string;
  steps: {
    name: string;
    startedAt: string;
    durationMs?: number;
    outcome?: string;
    error?: { code: string; message: string };
    /** Step `tool`: the call the model asked for and what it got back. */
    tool?: { name: string; callId: string; arguments: unknown; result?: string };
  }[];
  transitions: { status: string; at: string }[];
  routing?: Record<string, unknown> & {
    traceId?: string;
    strategy?: string;
    endpoint?: string;
    model?: string;
    attempts?: { endpoint: string; outcome: string; ms?: number; code?: string }[];
    moderation?: { in?: unknown[]; out?: unknown[]; blocked?: string[] };
  };
  usage?: { promptTokens?: number; completionTokens?: number; totalTokens?: number };
  error?: { code: string; message: string };
  createdAt?: string;
}

/** A form that puts what it is given into the location hash (so Back works and a reload keeps the screen). */
function LookupForm({ fields, go }: { fields: { id: string; label: string; value?: string }[]; go: (values: string[]) => void }) {
  const [values, setValues] = useState(fields.map((f) => f.value ?? ''));
  return (
    <form
      class="row"
      onSubmit={(e) => {
        e.preventDefault();
        go(values.map((v) => v.trim()));
      }}
    >
      {fields.map((f, i) => (
        <span key={f.id}>
          <label for={f.id}>{f.label}</label>
          <input
            id={f.id}
            value={values[i]}
            onInput={(e) => setValues(values.map((v, j) => (j === i ? (e.target as HTMLInputElement).value : v)))}
          />
        </span>
      ))}
      <button type="submit" class="primary">
        Show
      </button>
    </form>
  );
}

/** A task: status, steps with timings, routing decision, moderation decisions, usage, trace id. */
export function TaskView({ taskId }: { taskId?: string }) {
  const [task, setTask] = useState<Task>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    setTask(undefined);
    setError(undefined);
    if (taskId) api<Task>(`/v1/admin/tasks/${encodeURIComponent(taskId)}`).then(setTask, (e) => setError(describe(e)));
  }, [taskId]);
  const routing = task?.routing;
  const { traceId, moderation, attempts, ...decision } = routing ?? {};
  return (
    <section>
      <h2>Task</h2>
      <LookupForm
        key={taskId}
        fields={[{ id: 'task-id', label: 'Task id', value: taskId }]}
        go={([id]) => (location.hash = `#/tasks/${encodeURIComponent(id)}`)}
      />
      {error && <p class="error">{error}</p>}
      {task && (
        <div data-testid="task">
          <table>
            <tbody>
              <tr>
                <th>Status</th>
                <td>
                  <span class={`badge ${task.status}`}>{task.status}</span> {task.error ? `${task.error.code}: ${task.error.message}` : ''}
                </td>
              </tr>
              <tr>
                <th>Session</th>
                <td class="mono">
                  {task.sessionId ? (
                    <a href={`#/sessions/${encodeURIComponent(task.tenant)}/${encodeURIComponent(task.sessionId)}`}>
                      {task.tenant}/{task.sessionId}
                    </a>
                  ) : (
                    (task.actor ?? task.tenant)
                  )}
                </td>
              </tr>
              <tr>
                <th>Trace id</th>
                <td class="mono">{typeof traceId === 'string' ? traceId : ''}</td>
              </tr>
              <tr>
                <th>Usage</th>
                <td>
                  {task.usage ? `${task.usage.promptTokens ?? 0} prompt + ${task.usage.completionTokens ?? 0} completion tokens` : ''}
                </td>
              </tr>
            </tbody>
          </table>
          <h3>Steps</h3>
          <table>
            <thead>
              <tr>
                <th>Step</th>
                <th>Started</th>
                <th>ms</th>
                <th>Outcome</th>
              </tr>
            </thead>
            <tbody>
              {task.steps.map((s, i) => (
                <tr key={`${s.name}-${i}`}>
                  <td>{s.tool ? `tool ${s.tool.name}` : s.name}</td>
                  <td>{when(s.startedAt)}</td>
                  <td>{s.durationMs === undefined ? '' : Math.round(s.durationMs * 10) / 10}</td>
                  <td>
                    {s.outcome ?? ''} {s.error ? `${s.error.code}: ${s.error.message}` : ''}
                    {s.tool && (
                      <div class="mono">
                        {JSON.stringify(s.tool.arguments)}
                        {s.tool.result === undefined ? '' : ` → ${s.tool.result}`}
                      </div>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>Routing decision</h3>
          <pre>{JSON.stringify(decision, null, 2)}</pre>
          {attempts && attempts.length > 0 && (
            <table>
              <tbody>
                {attempts.map((a, i) => (
                  <tr key={`${a.endpoint}-${i}`}>
                    <td class="mono">{a.endpoint}</td>
                    <td>{a.outcome}</td>
                    <td>{a.ms === undefined ? '' : `${a.ms} ms`}</td>
                    <td class="mono">{a.code ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h3>Moderation decisions</h3>
          <pre>{moderation ? JSON.stringify(moderation, null, 2) : 'none recorded'}</pre>
          <h3>Status changes</h3>
          <ul>
            {task.transitions.map((t) => (
              <li key={t.status + t.at}>
                {when(t.at)} {t.status}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}

interface TimelineEntry {
  id: string;
  at: string;
  kind: 'user' | 'reply' | 'interrupted' | 'proactive' | 'other';
  content: string;
  taskId?: string;
  model?: string;
  taskStatus?: string;
  error?: { code: string; message: string };
}

/** A session's timeline: the user's turns, replies, interruptions, proactive messages, with each turn's outcome. */
export function SessionTimeline({ tenant, sessionId }: { tenant?: string; sessionId?: string }) {
  const [items, setItems] = useState<TimelineEntry[]>();
  const [cursor, setCursor] = useState<string>();
  const [error, setError] = useState<string>();
  const load = (from?: string) =>
    api<{ items: TimelineEntry[]; nextCursor?: string }>(
      `/v1/admin/sessions/${encodeURIComponent(tenant ?? '')}/${encodeURIComponent(sessionId ?? '')}/timeline${query({ cursor: from, limit: 100 })}`,
    ).then(
      (p) => {
        setItems((old) => [...(from ? (old ?? []) : []), ...p.items]);
        setCursor(p.nextCursor);
      },
      (e) => setError(describe(e)),
    );
  useEffect(() => {
    setItems(undefined);
    setError(undefined);
    if (tenant && sessionId) void load();
  }, [tenant, sessionId]);
  return (
    <section>
      <h2>Session timeline</h2>
      <LookupForm
        key={`${tenant}/${sessionId}`}
        fields={[
          { id: 'tenant', label: 'Tenant', value: tenant ?? 'dev' },
          { id: 'session-id', label: 'Session id', value: sessionId },
        ]}
        go={([t, s]) => (location.hash = `#/sessions/${encodeURIComponent(t)}/${encodeURIComponent(s)}`)}
      />
      {error && <p class="error">{error}</p>}
      {items && items.length === 0 && <p class="muted">Nothing in this session's history.</p>}
      {items && (
        <ul class="timeline" data-testid="timeline">
          {items.map((e) => (
            <li key={e.id}>
              <span class="muted">{when(e.at)}</span> <span class={`badge ${e.kind}`}>{e.kind}</span>{' '}
              {e.taskStatus && e.kind === 'user' && <span class={`badge ${e.taskStatus}`}>{e.taskStatus}</span>} {e.content}{' '}
              {e.error && <span class="error">({e.error.code})</span>}{' '}
              {e.taskId && e.kind === 'user' && (
                <a class="mono" href={`#/tasks/${encodeURIComponent(e.taskId)}`}>
                  task
                </a>
              )}
              {e.model && <span class="muted"> {e.model}</span>}
            </li>
          ))}
        </ul>
      )}
      {cursor && (
        <button type="button" onClick={() => load(cursor)}>
          More
        </button>
      )}
    </section>
  );
}
