import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api, describe, query, traceIdOf, when } from './api';

interface Attempt {
  at: string;
  code: string;
  errorClass: string;
  message: string;
  stackHead?: string;
  handler?: string;
  node?: string;
}

interface DeadLetter {
  messageId: string;
  status: 'open' | 'replayed' | 'discarded';
  actorType: string;
  address?: string;
  taskId?: string;
  tenant?: string;
  errorCode: string;
  errorClass: string;
  errorMessage: string;
  handler?: string;
  lastFailureAt: string;
  envelope: unknown;
  headers: Record<string, unknown>;
  attempts: Attempt[];
  replayOf?: string;
  replayedAs: string[];
  note?: string;
}

interface Group {
  errorClass: string;
  errorCode: string;
  actorType: string;
  handler?: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
}

interface ReplayResult {
  dryRun: boolean;
  replayed: { id: string; newId: string; address?: string; exchange: string; routingKey: string }[];
  skipped: { id: string; reason: string }[];
  nextCursor?: string;
}

type Filter = { status?: string; errorCode?: string; errorClass?: string; actorType?: string };

const groupKey = (g: Pick<Group, 'errorCode' | 'errorClass' | 'actorType'>) => `${g.errorCode}|${g.errorClass}|${g.actorType}`;
const firstLine = (s: string) => s.split('\n')[0];

/** Dead letters grouped by code, error class and actor type; a group's letters by error message; actions on one or a group. */
export function DeadLetters() {
  const [status, setStatus] = useState('open');
  const [groups, setGroups] = useState<Group[]>();
  const [selected, setSelected] = useState<Group>();
  const [error, setError] = useState<string>();
  const [version, setVersion] = useState(0);
  const refresh = () => setVersion((v) => v + 1);

  useEffect(() => {
    api<{ total: number; groups: Group[] }>(`/v1/admin/dead-letters/stats${query({ status: status === 'all' ? undefined : status })}`).then(
      (s) => {
        setGroups(s.groups);
        setError(undefined);
      },
      (e) => setError(describe(e)),
    );
  }, [status, version]);

  const filter: Filter | undefined = selected && {
    ...(status === 'all' ? {} : { status }),
    errorCode: selected.errorCode,
    errorClass: selected.errorClass,
    actorType: selected.actorType,
  };
  return (
    <>
      <section>
        <h2>Dead letters</h2>
        <div class="row">
          <label for="dl-status">Status</label>
          <select id="dl-status" value={status} onChange={(e) => setStatus((e.target as HTMLSelectElement).value)}>
            {['open', 'replayed', 'discarded', 'all'].map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
          <button type="button" onClick={refresh}>
            Refresh
          </button>
        </div>
        {error && <p class="error">{error}</p>}
        {groups && groups.length === 0 && <p class="muted">No dead letters.</p>}
        {groups && groups.length > 0 && (
          <table data-testid="dl-groups">
            <thead>
              <tr>
                <th>Code</th>
                <th>Error</th>
                <th>Actor type</th>
                <th>Handler</th>
                <th>Count</th>
                <th>Last seen</th>
              </tr>
            </thead>
            <tbody>
              {groups.map((g) => (
                <tr
                  key={groupKey(g) + (g.handler ?? '')}
                  class={`clickable ${selected && groupKey(selected) === groupKey(g) ? 'selected' : ''}`}
                  onClick={() => setSelected(g)}
                >
                  <td class="mono">{g.errorCode}</td>
                  <td>{g.errorClass}</td>
                  <td>{g.actorType}</td>
                  <td class="mono">{g.handler ?? ''}</td>
                  <td>{g.count}</td>
                  <td>{when(g.lastSeen)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      {selected && filter && (
        <GroupLetters key={groupKey(selected) + status} group={selected} filter={filter} version={version} onChanged={refresh} />
      )}
    </>
  );
}

/** The letters of one group, by error message, with the group's replay (dry run, rate, progress); read again at each `version`. */
function GroupLetters({ group, filter, version, onChanged }: { group: Group; filter: Filter; version: number; onChanged: () => void }) {
  const [items, setItems] = useState<DeadLetter[]>();
  const [open, setOpen] = useState<string>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    api<{ items: DeadLetter[] }>(`/v1/admin/dead-letters${query({ ...filter, limit: 100 })}`).then(
      (p) => setItems(p.items),
      (e) => setError(describe(e)),
    );
  }, [version]);
  const byMessage = new Map<string, DeadLetter[]>();
  for (const d of items ?? []) byMessage.set(firstLine(d.errorMessage), [...(byMessage.get(firstLine(d.errorMessage)) ?? []), d]);
  return (
    <section>
      <h2>
        {group.errorCode} · {group.errorClass} · {group.actorType} <span class="muted">({group.count})</span>
      </h2>
      {filter.status !== 'discarded' && <GroupReplay filter={filter} total={group.count} onDone={onChanged} />}
      {error && <p class="error">{error}</p>}
      {[...byMessage].map(([message, letters]) => (
        <div key={message}>
          <h3>
            {message} <span class="muted">({letters.length})</span>
          </h3>
          <table>
            <thead>
              <tr>
                <th>Message id</th>
                <th>Target</th>
                <th>Status</th>
                <th>Attempts</th>
                <th>Trace id</th>
                <th>Last failure</th>
              </tr>
            </thead>
            <tbody>
              {letters.map((d) => (
                <tr
                  key={d.messageId}
                  data-testid="dl-row"
                  data-message-id={d.messageId}
                  class={`clickable ${open === d.messageId ? 'selected' : ''}`}
                  onClick={() => setOpen(open === d.messageId ? undefined : d.messageId)}
                >
                  <td class="mono">{d.messageId}</td>
                  <td class="mono">{d.address ?? d.actorType}</td>
                  <td>
                    <span class={`badge ${d.status}`}>{d.status}</span>
                  </td>
                  <td>{d.attempts.length}</td>
                  <td class="mono">{traceIdOf(d.headers.traceparent) ?? ''}</td>
                  <td>{when(d.lastFailureAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
      {open && <LetterDetail key={open} id={open} onChanged={onChanged} />}
    </section>
  );
}

/** Replays every open letter of a group: a dry run first if asked, then pages at `rate` letters per second with progress. */
function GroupReplay({ filter, total, onDone }: { filter: Filter; total: number; onDone: () => void }) {
  const [rate, setRate] = useState(100);
  const [progress, setProgress] = useState<{ replayed: number; skipped: number; dryRun: boolean; done: boolean }>();
  const [error, setError] = useState<string>();
  const stop = useRef(false);
  const run = async (dryRun: boolean) => {
    stop.current = false;
    setError(undefined);
    let replayed = 0;
    let skipped = 0;
    let cursor: string | undefined;
    setProgress({ replayed, skipped, dryRun, done: false });
    try {
      do {
        const started = Date.now();
        const limit = Math.max(1, Math.min(1000, Math.floor(rate)));
        const r: ReplayResult = await api('/v1/admin/dead-letters/replay', {
          method: 'POST',
          body: { filter: { ...filter, status: undefined }, limit, ...(cursor ? { cursor } : {}), dryRun },
        });
        replayed += r.replayed.length;
        skipped += r.skipped.length;
        cursor = r.nextCursor;
        setProgress({ replayed, skipped, dryRun, done: false });
        // At most `rate` letters a second: wait out the rest of the second this page stands for.
        const wait = (limit / rate) * 1000 - (Date.now() - started);
        if (cursor && wait > 0 && !dryRun) await new Promise((r) => setTimeout(r, wait));
      } while (cursor && !stop.current);
      setProgress({ replayed, skipped, dryRun, done: true });
      if (!dryRun) onDone();
    } catch (e) {
      setError(describe(e));
    }
  };
  const running = progress !== undefined && !progress.done;
  return (
    <div class="row">
      <button type="button" onClick={() => run(true)} disabled={running}>
        Dry run
      </button>
      <label for="replay-rate">Rate (letters/s)</label>
      <input
        id="replay-rate"
        type="number"
        min={1}
        max={1000}
        value={rate}
        onInput={(e) => setRate(Number((e.target as HTMLInputElement).value) || 1)}
      />
      <button type="button" class="primary" onClick={() => run(false)} disabled={running}>
        Replay group
      </button>
      {running && (
        <button type="button" onClick={() => (stop.current = true)}>
          Stop
        </button>
      )}
      {progress && (
        <span data-testid="replay-progress">
          <progress max={Math.max(total, 1)} value={progress.replayed + progress.skipped} /> {progress.dryRun ? 'would replay' : 'replayed'}{' '}
          {progress.replayed}, skipped {progress.skipped}
          {progress.done ? ' — done' : ' …'}
        </span>
      )}
      {error && <span class="error">{error}</span>}
    </div>
  );
}

/** One dead letter: its error, stack head, attempts, trace id and data; replay, edit, discard, restore. */
function LetterDetail({ id, onChanged }: { id: string; onChanged: () => void }) {
  const [d, setD] = useState<DeadLetter>();
  const [error, setError] = useState<string>();
  const [result, setResult] = useState<string>();
  const [fields, setFields] = useState<ApiError['fields']>([]);
  const [dryRun, setDryRun] = useState(false);
  const [force, setForce] = useState(false);
  const [reason, setReason] = useState('');
  const [edit, setEdit] = useState<string>();
  const load = () =>
    api<DeadLetter>(`/v1/admin/dead-letters/${encodeURIComponent(id)}`).then(
      (x) => {
        setD(x);
        setEdit(JSON.stringify((x.envelope as { data?: unknown } | undefined)?.data ?? {}, null, 2));
      },
      (e) => setError(describe(e)),
    );
  useEffect(() => {
    void load();
  }, [id]);
  const act = async (what: () => Promise<string>) => {
    setResult(undefined);
    setError(undefined);
    setFields([]);
    try {
      setResult(await what());
      await load();
      onChanged();
    } catch (e) {
      setError(describe(e));
      if (e instanceof ApiError) setFields(e.fields);
    }
  };
  const replay = () =>
    act(async () => {
      const r: ReplayResult = await api('/v1/admin/dead-letters/replay', { method: 'POST', body: { ids: [id], dryRun, force } });
      if (r.skipped.length > 0) return `skipped: ${r.skipped[0].reason}`;
      const to = r.replayed[0];
      return `${r.dryRun ? 'would replay' : 'replayed'} to ${to.exchange} ${to.routingKey}${r.dryRun ? '' : ` as ${to.newId}`}`;
    });
  const saveEdit = (check: boolean) =>
    act(async () => {
      let data: unknown;
      try {
        data = JSON.parse(edit ?? '{}');
      } catch (e) {
        throw new Error(`not JSON: ${(e as Error).message}`);
      }
      const r = await api<{ dryRun: boolean; newId?: string }>(`/v1/admin/dead-letters/${encodeURIComponent(id)}/edit`, {
        method: 'POST',
        body: { data, dryRun: check },
      });
      return check ? 'the edited data is valid' : `replayed with the edited data as ${r.newId ?? ''}`;
    });
  const discard = () =>
    act(async () => {
      await api('/v1/admin/dead-letters/discard', { method: 'POST', body: { ids: [id], reason } });
      return 'discarded';
    });
  const restore = () =>
    act(async () => {
      await api('/v1/admin/dead-letters/restore', { method: 'POST', body: { ids: [id] } });
      return 'restored';
    });
  if (!d) return <p class="muted">{error ?? 'Loading…'}</p>;
  const last = d.attempts.at(-1);
  const traceId = traceIdOf(d.headers.traceparent);
  return (
    <div data-testid="dl-detail">
      <h3>
        {d.messageId}{' '}
        <span class={`badge ${d.status}`} data-testid="dl-status">
          {d.status}
        </span>
      </h3>
      <table>
        <tbody>
          <tr>
            <th>Error</th>
            <td>
              <span class="mono">{d.errorCode}</span> {d.errorClass}: {d.errorMessage}
            </td>
          </tr>
          <tr>
            <th>Target</th>
            <td class="mono">{d.address ?? d.actorType}</td>
          </tr>
          <tr>
            <th>Task</th>
            <td class="mono">{d.taskId ? <a href={`#/tasks/${encodeURIComponent(d.taskId)}`}>{d.taskId}</a> : ''}</td>
          </tr>
          <tr>
            <th>Trace id</th>
            <td class="mono">{traceId ?? ''}</td>
          </tr>
          <tr>
            <th>Lineage</th>
            <td class="mono">
              {d.replayOf ? `replay of ${d.replayOf}; ` : ''}
              {d.replayedAs.length > 0 ? `replayed as ${d.replayedAs.join(', ')}` : ''}
              {d.note ? ` (${d.note})` : ''}
            </td>
          </tr>
        </tbody>
      </table>
      {last?.stackHead && (
        <>
          <h3>Stack head</h3>
          <pre>{last.stackHead}</pre>
        </>
      )}
      <h3>Attempts ({d.attempts.length})</h3>
      <table>
        <tbody>
          {d.attempts.map((a, i) => (
            <tr key={`${a.at}-${i}`}>
              <td>{when(a.at)}</td>
              <td class="mono">{a.code}</td>
              <td>
                {a.errorClass}: {a.message}
              </td>
              <td class="mono">{a.handler ?? ''}</td>
              <td class="mono">{a.node ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Actions</h3>
      <div class="row">
        <label>
          <input type="checkbox" checked={dryRun} onChange={(e) => setDryRun((e.target as HTMLInputElement).checked)} /> dry run
        </label>
        <label>
          <input type="checkbox" checked={force} onChange={(e) => setForce((e.target as HTMLInputElement).checked)} /> force (replayed
          already)
        </label>
        <button type="button" class="primary" onClick={replay} disabled={d.status === 'discarded'}>
          Replay
        </button>
      </div>
      <div class="row">
        <label for="discard-reason">Reason</label>
        <input id="discard-reason" value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} />
        <button type="button" class="danger" onClick={discard} disabled={d.status === 'discarded' || reason.trim() === ''}>
          Discard
        </button>
        <button type="button" onClick={restore} disabled={d.status !== 'discarded'}>
          Restore
        </button>
      </div>
      <h3>Edit the data and replay</h3>
      <textarea aria-label="message data (JSON)" value={edit} onInput={(e) => setEdit((e.target as HTMLTextAreaElement).value)} />
      <div class="row">
        <button type="button" onClick={() => saveEdit(true)}>
          Check
        </button>
        <button type="button" class="primary" onClick={() => saveEdit(false)} disabled={d.status === 'discarded'}>
          Replay edited
        </button>
      </div>
      {result && (
        <p class="ok" data-testid="dl-result">
          {result}
        </p>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {fields.length > 0 && (
        <ul class="error">
          {fields.map((f) => (
            <li key={f.field}>
              <span class="mono">{f.field}</span>: {f.constraints.join('; ')}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
