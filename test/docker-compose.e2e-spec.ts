// Checks docker-compose.yml without a broker: its shape, and `docker compose config -q`
// when a docker client with the compose plugin is installed.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';

const ROOT = join(__dirname, '..');
const COMPOSE_FILE = join(ROOT, 'docker-compose.yml');
const WARREN_APPS = ['runtime', 'gateway', 'gateway-dev', 'scheduler'] as const;
const mainOf = (service: string) => service.replace(/-dev$/, '');

interface ComposeService {
  image?: string;
  profiles?: string[];
  build?: string | { context?: string; dockerfile?: string };
  command?: string | string[];
  environment?: Record<string, string> | string[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string | string[] };
  ports?: (string | { published?: string | number; target?: number })[];
  volumes?: (string | { source?: string; target?: string })[];
}

// Compose files use YAML 1.1 merge keys (`<<: *warren-app`); `yaml` resolves them with `merge`.
const compose = parseYaml(readFileSync(COMPOSE_FILE, 'utf8'), { merge: true }) as { services: Record<string, ComposeService> };
const services = compose.services;

const words = (value: string | string[] | undefined): string => (Array.isArray(value) ? value.join(' ') : (value ?? ''));

function environmentOf(service: ComposeService): Record<string, string> {
  const env = service.environment ?? {};
  if (!Array.isArray(env)) return env;
  return Object.fromEntries(env.map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
}

/** Parses RabbitMQ's enabled_plugins file, an Erlang list term: `[a,b,c].` */
function enabledPlugins(text: string): string[] {
  const match = /^\s*\[([\w\s,]*)\]\s*\.\s*$/.exec(text);
  if (match === null) throw new Error(`not an Erlang list of plugin names: ${text}`);
  return match[1]
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
}

describe('docker-compose.yml', () => {
  it('defines rabbitmq, mongodb and the warren apps runtime and gateway', () => {
    expect(Object.keys(services)).toEqual(expect.arrayContaining(['rabbitmq', 'mongodb', ...WARREN_APPS]));
    expect(services.rabbitmq.image).toBe('rabbitmq:3.13-management');
    expect(services.mongodb.image).toBe('mongo:7');
    expect(words(services.mongodb.command)).toMatch(/--replSet rs0\b/);
  });

  it.each(WARREN_APPS)('builds %s from the Dockerfile and starts its dist/apps main.js', (app) => {
    const service = services[app];
    const build = typeof service.build === 'string' ? { context: service.build } : service.build;
    expect(build?.context).toBe('.');
    expect(build?.dockerfile ?? 'Dockerfile').toBe('Dockerfile');
    expect(words(service.command)).toBe(`node dist/apps/${mainOf(app)}/src/main.js`);
  });

  it.each(WARREN_APPS)('starts %s only once rabbitmq and mongodb are healthy', (app) => {
    const dependsOn = services[app].depends_on;
    expect(Array.isArray(dependsOn)).toBe(false);
    expect(dependsOn).toMatchObject({ rabbitmq: { condition: 'service_healthy' }, mongodb: { condition: 'service_healthy' } });
  });

  it.each(WARREN_APPS)('points %s at the compose broker and replica set', (app) => {
    expect(environmentOf(services[app])).toMatchObject({
      AMQP_URL: 'amqp://guest:guest@rabbitmq:5672',
      MONGO_URL: 'mongodb://mongodb:27017/warren?replicaSet=rs0',
    });
  });

  it('defines healthchecks for rabbitmq, mongodb, runtime and gateway', () => {
    expect(words(services.rabbitmq.healthcheck?.test)).toContain('rabbitmq-diagnostics -q ping');
    const mongoCheck = words(services.mongodb.healthcheck?.test);
    expect(mongoCheck).toContain('rs.initiate(');
    expect(mongoCheck).toContain("_id: 'rs0'");
    expect(mongoCheck).toMatch(/ping/);
    expect(words(services.gateway.healthcheck?.test)).toContain('http://localhost:3000/health');
    expect(words(services['gateway-dev'].healthcheck?.test)).toContain('http://localhost:3000/health');
    // Each app's HTTP on its own port: the gateway's PORT, runtime.metricsPort, scheduler.metricsPort.
    expect(words(services.runtime.healthcheck?.test)).toContain('http://localhost:9464/ready');
    expect(words(services.scheduler.healthcheck?.test)).toContain('http://localhost:9465/ready');
  });

  it.each(WARREN_APPS)('starts %s from a main.js that the build produces', (app) => {
    expect(existsSync(join(ROOT, 'apps', mainOf(app), 'src', 'main.ts'))).toBe(true);
  });

  const portsOf = (service: string) =>
    (services[service]?.ports ?? []).map((p) => (typeof p === 'string' ? p : `${p.published}:${p.target}`));

  it('publishes the gateway on port 3000 in two profiles: prod (production config, keys from the environment) and dev (the development keys)', () => {
    expect(services.gateway.profiles).toEqual(['prod']);
    expect(services['gateway-dev'].profiles).toEqual(['dev']);
    for (const gateway of ['gateway', 'gateway-dev']) expect(portsOf(gateway)).toContain('3000:3000');
    // The README's curl examples use dev-key and dev-admin-key, which only config/default has.
    expect(environmentOf(services['gateway-dev'])).toMatchObject({ WARREN_CONFIG: 'config/default' });
    expect(readFileSync(join(ROOT, 'config', 'default.yaml'), 'utf8')).toContain('dev-key');
    expect(Object.keys(environmentOf(services.gateway))).toEqual(
      expect.arrayContaining(['WARREN__GATEWAY__TENANTS', 'WARREN__GATEWAY__ADMINS']),
    );
    expect(environmentOf(services.gateway).WARREN_CONFIG).toBeUndefined();
    // Nothing else runs only in one profile.
    for (const name of ['rabbitmq', 'mongodb', 'runtime', 'scheduler']) expect(services[name]?.profiles).toBeUndefined();
  });

  it("publishes RabbitMQ's AMQP, management and Prometheus ports", () => {
    expect(portsOf('rabbitmq')).toEqual(expect.arrayContaining(['5672:5672', '15672:15672', '15692:15692']));
  });

  it('mounts an enabled_plugins file that enables rabbitmq_consistent_hash_exchange', () => {
    const mounts = (services.rabbitmq.volumes ?? []).map((v) => (typeof v === 'string' ? v : `${v.source}:${v.target}`));
    const mount = mounts.find((m) => m.split(':')[1] === '/etc/rabbitmq/enabled_plugins');
    expect(mount).toBeDefined();
    const hostPath = (mount as string).split(':')[0];
    expect(hostPath).toBe('./docker/rabbitmq/enabled_plugins');
    const plugins = enabledPlugins(readFileSync(join(ROOT, hostPath), 'utf8'));
    expect(plugins).toEqual(expect.arrayContaining(['rabbitmq_consistent_hash_exchange', 'rabbitmq_management', 'rabbitmq_prometheus']));
  });

  it('has an observability profile: Prometheus with the scrape config and alert rules of deploy/, Grafana provisioned with the dashboard', () => {
    const mounts = (name: string): Map<string, string> =>
      new Map(
        (services[name].volumes ?? [])
          .map((v) => (typeof v === 'string' ? v : `${v.source}:${v.target}`))
          .map((v) => v.split(':'))
          .map(([host, target]) => [target, host] as [string, string]),
      );
    for (const name of ['prometheus', 'grafana']) expect(services[name].profiles).toEqual(['observability']);
    // The observability profile adds to a dev or prod start; it changes no other service.
    for (const app of ['rabbitmq', 'mongodb', 'runtime', 'scheduler']) expect(services[app].profiles).toBeUndefined();
    const prometheus = mounts('prometheus');
    expect(prometheus.get('/etc/prometheus/prometheus.yml')).toBe('./deploy/prometheus/prometheus.yml');
    expect(prometheus.get('/etc/prometheus/rules/warren-alerts.yml')).toBe('./deploy/prometheus/warren-alerts.yml');
    const config = parseYaml(readFileSync(join(ROOT, 'deploy/prometheus/prometheus.yml'), 'utf8')) as {
      rule_files: string[];
      scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
    };
    expect(config.rule_files).toEqual(['/etc/prometheus/rules/warren-alerts.yml']);
    const targets = config.scrape_configs.find((c) => c.job_name === 'warren')?.static_configs.flatMap((c) => c.targets);
    // The ports the healthchecks above use: the gateway's PORT, runtime.metricsPort, scheduler.metricsPort.
    expect(targets).toEqual(['gateway:3000', 'runtime:9464', 'scheduler:9465']);
    // Both gateway profiles answer to the name `gateway`.
    expect((services['gateway-dev'] as { networks?: { default?: { aliases?: string[] } } }).networks?.default?.aliases).toEqual([
      'gateway',
    ]);
    const grafana = mounts('grafana');
    expect(grafana.get('/etc/grafana/provisioning/datasources')).toBe('./deploy/grafana/provisioning/datasources');
    expect(grafana.get('/etc/grafana/provisioning/dashboards')).toBe('./deploy/grafana/provisioning/dashboards');
    expect(grafana.get('/var/lib/grafana/dashboards')).toBe('./deploy/grafana/dashboards');
    for (const [, host] of [...prometheus, ...grafana].filter(([, h]) => h.startsWith('./')))
      expect(existsSync(join(ROOT, host))).toBe(true);
    expect(existsSync(join(ROOT, 'deploy/grafana/dashboards/warren.json'))).toBe(true);
  });

  it('builds the apps with a multi-stage Dockerfile on a supported Node LTS that runs as a non-root user, with a HEALTHCHECK', () => {
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    const bases = [...dockerfile.matchAll(/^FROM node:(\d+)-bookworm-slim\b/gm)].map((m) => Number(m[1]));
    expect(bases).toHaveLength(2);
    // Node 20 reached its end of life in April 2026: an LTS at or above package.json's engines floor.
    const engines = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
    const floor = Number(/>=\s*(\d+)/.exec(engines)?.[1]);
    expect(floor).toBeGreaterThanOrEqual(22);
    for (const major of bases) {
      expect(major % 2).toBe(0); // even majors become LTS
      expect(major).toBeGreaterThanOrEqual(floor);
    }
    expect(dockerfile).toMatch(/^HEALTHCHECK .*CMD \["node", "docker\/healthcheck\.js"\]$/m);
    expect(dockerfile).toMatch(/^COPY --from=build \/app\/docker\/healthcheck\.js \.\/docker\/healthcheck\.js$/m);
    expect(dockerfile).toMatch(/^COPY --from=build \/app\/bin \.\/bin$/m);
    expect(dockerfile).toMatch(/^RUN npm ci$/m);
    expect(dockerfile).toMatch(/npm run build/);
    expect(dockerfile).toMatch(/npm prune --omit=dev/);
    expect(dockerfile).toMatch(/^COPY --from=build \/app\/config \.\/config$/m);
    expect(dockerfile).toMatch(/^USER node$/m);
  });

  it('package.json lets only the install scripts the build needs run (better-sqlite3, @swc/core), denies telemetry, names the warren-ops bin', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      allowScripts: Record<string, boolean>;
      bin: Record<string, string>;
      scripts: Record<string, string>;
    };
    expect(pkg.allowScripts).toMatchObject({ 'better-sqlite3': true, '@swc/core': true, '@scarf/scarf': false });
    // Nothing else may run: esbuild's postinstall only swaps its JS shim for the binary its platform package already ships.
    expect(
      Object.entries(pkg.allowScripts)
        .filter(([, allowed]) => allowed)
        .map(([name]) => name)
        .sort(),
    ).toEqual(['@swc/core', 'better-sqlite3']);
    expect(pkg.bin['warren-ops']).toBe('bin/warren-ops.js');
    expect(existsSync(join(ROOT, pkg.bin['warren-ops'] as string))).toBe(true);
    expect(pkg.scripts.ops).toBe('node bin/warren-ops.js');
  });

  it("the image's HEALTHCHECK (docker/healthcheck.js) passes when the container's app answers /health on its port, and fails when none does", async () => {
    const server = createServer((req, res) => res.writeHead(req.url === '/health' ? 200 : 404).end('{"status":"ok"}'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = String((server.address() as AddressInfo).port);
    const check = (env: Record<string, string>) =>
      new Promise<number | null>((resolve) => {
        const child = spawn(process.execPath, [join(ROOT, 'docker', 'healthcheck.js')], { env: { PATH: process.env.PATH ?? '', ...env } });
        child.on('exit', (code) => resolve(code));
      });
    try {
      // A runtime container: nothing on PORT, the app on its metrics port.
      expect(await check({ PORT: '1', WARREN__RUNTIME__METRICS_PORT: port, WARREN__SCHEDULER__METRICS_PORT: '2' })).toBe(0);
      expect(await check({ WARREN_HEALTHCHECK_URL: `http://127.0.0.1:${port}/health` })).toBe(0);
      expect(await check({ WARREN_HEALTHCHECK_URL: `http://127.0.0.1:${port}/nope` })).toBe(1);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(await check({ PORT: port, WARREN__RUNTIME__METRICS_PORT: '1', WARREN__SCHEDULER__METRICS_PORT: '2' })).toBe(1);
  });

  const composeVersion = spawnSync('docker', ['compose', 'version'], { encoding: 'utf8', timeout: 20_000 });
  const hasCompose = composeVersion.status === 0;
  if (!hasCompose) {
    console.log('docker-compose.yml: skipping `docker compose config -q`: the docker compose client is not available on this machine');
  }
  (hasCompose ? it : it.skip)('passes `docker compose config -q`', () => {
    const result = spawnSync('docker', ['compose', '-f', COMPOSE_FILE, 'config', '-q'], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});
