// Private RabbitMQ nodes for fault tests: a node (or a cluster) of the test's own, on free ports,
// with its own data, logs, plugins file and Erlang cookie, so that a test may stop, kill, freeze or
// restart it without touching the shared broker other tests use. `stop()`/`start()` keep the data
// (a restart); `dispose()` stops for good and deletes the files: register it with
// `autoTeardown({ close: () => node.dispose() })`. Nodes still running when the process exits are killed.
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Where the real RabbitMQ scripts are (Debian's /usr/sbin ones are wrappers that switch to the rabbitmq user). */
function scriptsDir(): string {
  if (process.env.RABBITMQ_SCRIPTS_DIR) return process.env.RABBITMQ_SCRIPTS_DIR;
  if (existsSync('/usr/lib/rabbitmq/bin/rabbitmq-server')) return '/usr/lib/rabbitmq/bin';
  const found = execFileSync('sh', ['-c', 'command -v rabbitmq-server'], { encoding: 'utf8' }).trim();
  return dirname(found);
}

/** A free TCP port on 127.0.0.1 below the ephemeral range (so outgoing connections do not take it meanwhile). */
export async function freePort(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = 20_000 + Math.floor(Math.random() * 10_000);
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error('no free port found for a private RabbitMQ node');
}

const started = new Set<PrivateRabbit>();
/** Nodes per HOME directory (a cluster shares one), so the files go with the last one stopped. */
const homes = new Map<string, Set<PrivateRabbit>>();

/** One RabbitMQ node of a test's own. `name` is its Erlang node name (`<prefix>-<random>-<n>@localhost`). */
export class PrivateRabbit {
  private running = false;
  private disposed = false;

  private constructor(
    readonly name: string,
    readonly port: number,
    readonly distPort: number,
    /** Data, logs and config of this node. */
    readonly dir: string,
    /** HOME of the node and of the CLI calls: holds the Erlang cookie (one per cluster). */
    private readonly home: string,
  ) {}

  /** Creates the node's files (not started). */
  static async create(name: string, home: string): Promise<PrivateRabbit> {
    const port = await freePort();
    let distPort = await freePort();
    while (distPort === port) distPort = await freePort();
    const dir = join(home, name.split('@')[0]);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'enabled_plugins'), '[rabbitmq_consistent_hash_exchange].\n');
    writeFileSync(join(dir, 'rabbitmq.conf'), `listeners.tcp.default = 127.0.0.1:${port}\n`);
    // An empty env file, so the machine's rabbitmq-env.conf (NODENAME=…) is not read.
    writeFileSync(join(dir, 'rabbitmq-env.conf'), '');
    const node = new PrivateRabbit(name, port, distPort, dir, home);
    const siblings = homes.get(home) ?? new Set<PrivateRabbit>();
    siblings.add(node);
    homes.set(home, siblings);
    return node;
  }

  /** `amqp://guest:guest@127.0.0.1:<port>/<vhost>` (vhost `/` when omitted). */
  url(vhost = '/'): string {
    return `amqp://guest:guest@127.0.0.1:${this.port}/${encodeURIComponent(vhost)}`;
  }

  /** The host:port of this node in an AMQP URL. */
  get hostPort(): string {
    return `127.0.0.1:${this.port}`;
  }

  get isRunning(): boolean {
    return this.running;
  }

  private env(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      HOME: this.home,
      RABBITMQ_NODENAME: this.name,
      RABBITMQ_NODE_PORT: String(this.port),
      RABBITMQ_DIST_PORT: String(this.distPort),
      RABBITMQ_MNESIA_BASE: join(this.dir, 'mnesia'),
      RABBITMQ_LOG_BASE: join(this.dir, 'log'),
      RABBITMQ_ENABLED_PLUGINS_FILE: join(this.dir, 'enabled_plugins'),
      RABBITMQ_PLUGINS_EXPAND_DIR: join(this.dir, 'plugins-expand'),
      RABBITMQ_CONFIG_FILE: join(this.dir, 'rabbitmq.conf'),
      RABBITMQ_CONF_ENV_FILE: join(this.dir, 'rabbitmq-env.conf'),
      RABBITMQ_PID_FILE: join(this.dir, 'pid'),
    };
  }

  /** `rabbitmqctl -n <this node> -q …args`; rejects with the tool's output when it fails. */
  async ctl(args: string[], timeoutMs = 60_000): Promise<string> {
    try {
      const { stdout } = await run(join(scriptsDir(), 'rabbitmqctl'), ['-n', this.name, '-q', ...args], {
        env: this.env(),
        timeout: timeoutMs,
        encoding: 'utf8',
      });
      return stdout;
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string; message: string };
      throw new Error(`rabbitmqctl -n ${this.name} ${args.join(' ')} failed: ${e.stderr || e.stdout || e.message}`);
    }
  }

  /** Starts the node (same ports and data as before) and waits until RabbitMQ runs on it. */
  async start(): Promise<void> {
    rmSync(join(this.dir, 'pid'), { force: true });
    await run(join(scriptsDir(), 'rabbitmq-server'), ['-detached'], { env: this.env(), timeout: 30_000 });
    started.add(this);
    this.running = true;
    await this.ctl(['wait', join(this.dir, 'pid'), '--timeout', '90'], 100_000);
  }

  /** The OS pid of the node's Erlang VM (from its pid file). */
  get pid(): number | undefined {
    const file = join(this.dir, 'pid');
    return existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) || undefined : undefined;
  }

  /** Stops the node and waits for its VM to exit; kills the VM (by its pid) when the stop does not finish. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    const pid = this.pid;
    this.resume(); // a frozen VM cannot stop itself
    try {
      await this.ctl(['stop', join(this.dir, 'pid')], 60_000);
    } catch {
      if (pid) killQuietly(pid, 'SIGKILL');
    }
    started.delete(this);
  }

  /** Stops the node for good and deletes its files (the cluster's, once no node sharing them runs). */
  async dispose(): Promise<void> {
    await this.stop();
    this.disposed = true;
    const siblings = homes.get(this.home);
    if (siblings && [...siblings].some((n) => n.running || !n.disposed)) return;
    homes.delete(this.home);
    rmSync(this.home, { recursive: true, force: true });
  }

  /** Kills the node's VM at once (a crash or a power cut, from its clients' point of view). */
  kill(): void {
    const pid = this.pid;
    this.running = false;
    started.delete(this);
    if (pid) killQuietly(pid, 'SIGKILL');
  }

  /** Freezes the node's VM (SIGSTOP): it accepts TCP connections (the kernel does) and answers nothing. */
  pause(): void {
    const pid = this.pid;
    if (pid) killQuietly(pid, 'SIGSTOP');
  }

  /** Resumes a paused VM. */
  resume(): void {
    const pid = this.pid;
    if (pid) killQuietly(pid, 'SIGCONT');
  }

  /** Names of the client connections on this node (their `connection_name` client property, or peer). */
  async connectionNames(): Promise<string[]> {
    const out = await this.ctl(['list_connections', 'client_properties']);
    return out
      .split('\n')
      .map((line) => /"connection_name",longstr,"([^"]*)"/.exec(line)?.[1] ?? /connection_name.*?"([^"]+)"/.exec(line)?.[1])
      .filter((n): n is string => !!n);
  }

  /** Creates `vhost` with full permissions for guest. */
  async addVhost(vhost: string): Promise<void> {
    await this.ctl(['add_vhost', vhost]);
    await this.ctl(['set_permissions', '-p', vhost, 'guest', '.*', '.*', '.*']);
  }
}

function killQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

function newHome(prefix: string): { home: string; id: string } {
  const id = `${prefix}-${randomBytes(3).toString('hex')}`;
  const home = mkdtempSync(join(tmpdir(), `warren-rabbit-${id}-`));
  // The cookie of this node or cluster only: a CLI call can never reach another node by mistake.
  const cookie = join(home, '.erlang.cookie');
  writeFileSync(cookie, randomBytes(16).toString('hex').toUpperCase());
  chmodSync(cookie, 0o400);
  return { home, id };
}

/** Starts one private node named after `prefix` (e.g. the test file's name). */
export async function startPrivateRabbit(prefix: string): Promise<PrivateRabbit> {
  const { home, id } = newHome(prefix);
  const node = await PrivateRabbit.create(`${id}-1@localhost`, home);
  try {
    await node.start();
  } catch (err) {
    node.kill();
    throw err;
  }
  return node;
}

/**
 * Starts a cluster of `size` private nodes: the first one, then each other one joined to it
 * (`stop_app`, `join_cluster`, `start_app`). All share one Erlang cookie.
 */
export async function startPrivateCluster(prefix: string, size: number): Promise<PrivateRabbit[]> {
  const { home, id } = newHome(prefix);
  const nodes: PrivateRabbit[] = [];
  try {
    for (let i = 1; i <= size; i++) {
      const node = await PrivateRabbit.create(`${id}-${i}@localhost`, home);
      nodes.push(node);
      await node.start();
      if (i > 1) {
        await node.ctl(['stop_app']);
        await node.ctl(['join_cluster', nodes[0].name]);
        await node.ctl(['start_app']);
        await node.ctl(['await_startup', '--timeout', '90'], 100_000);
      }
    }
  } catch (err) {
    for (const n of nodes) n.kill();
    throw err;
  }
  return nodes;
}

/** Stops every private node still running (a test that failed before its teardown). */
export async function stopAllPrivateRabbits(): Promise<void> {
  await Promise.all([...started].map((n) => n.stop().catch(() => n.kill())));
}

// Last resort: a jest worker that exits with nodes still up kills them, so none outlives the run.
process.once('exit', () => {
  for (const n of started) n.kill();
});
