import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, adminKey, api, describe, setAdminKey } from './api';
import { DeadLetters } from './dead-letters';
import { SessionTimeline, TaskView } from './inspect';
import { Audit, Cluster, Endpoints, LiveCounters } from './status';

/** The console's screens, by the first part of the location hash (`#/tasks/<id>`). */
const SCREENS = [
  ['dead-letters', 'Dead letters'],
  ['tasks', 'Tasks'],
  ['sessions', 'Sessions'],
  ['endpoints', 'Endpoints'],
  ['metrics', 'Live counters'],
  ['cluster', 'Cluster'],
  ['audit', 'Audit'],
] as const;

/** The hash's parts: `#/tasks/t1` → `['tasks', 't1']`. The admin key is never part of it. */
function useRoute(): string[] {
  const read = () => location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const on = () => setRoute(read());
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}

/** Asks for the admin key and checks it against the admin API before keeping it in the session. */
function Login({ onLogin }: { onLogin: () => void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    setAdminKey(key.trim());
    try {
      await api('/v1/admin/dead-letters/stats');
      onLogin();
    } catch (err) {
      setAdminKey(null);
      setError(err instanceof ApiError && err.status === 403 ? 'That is a tenant key: the console needs an admin key.' : describe(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="login">
      <h2>Warren console</h2>
      <form onSubmit={submit}>
        <p class="muted">
          Sign in with an admin key (gateway.admins). It is kept in this browser tab only, until you sign out or close it.
        </p>
        <div class="row">
          <label for="admin-key">Admin key</label>
          <input
            id="admin-key"
            name="admin-key"
            type="password"
            autocomplete="off"
            value={key}
            onInput={(e) => setKey((e.target as HTMLInputElement).value)}
          />
          <button class="primary" type="submit" disabled={busy || key.trim() === ''}>
            Sign in
          </button>
        </div>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
      </form>
    </section>
  );
}

function App() {
  const [signedIn, setSignedIn] = useState(adminKey() !== null);
  const route = useRoute();
  if (!signedIn) return <Login onLogin={() => setSignedIn(true)} />;
  const [screen = 'dead-letters', ...args] = route;
  const signOut = () => {
    setAdminKey(null);
    setSignedIn(false);
  };
  return (
    <>
      <header>
        <h1>Warren</h1>
        <nav>
          {SCREENS.map(([id, title]) => (
            <a key={id} href={`#/${id}`} class={screen === id ? 'active' : ''}>
              {title}
            </a>
          ))}
        </nav>
        <span class="spacer" />
        <button type="button" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main>
        {screen === 'dead-letters' && <DeadLetters />}
        {screen === 'tasks' && <TaskView taskId={args[0]} />}
        {screen === 'sessions' && <SessionTimeline tenant={args[0]} sessionId={args[1]} />}
        {screen === 'endpoints' && <Endpoints />}
        {screen === 'metrics' && <LiveCounters />}
        {screen === 'cluster' && <Cluster />}
        {screen === 'audit' && <Audit />}
      </main>
    </>
  );
}

const root = document.getElementById('app');
if (root) {
  root.textContent = '';
  render(<App />, root);
}
