// Checks docker-compose.yml without a broker: its shape, and `docker compose config -q`
// when a docker client with the compose plugin is installed.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';

const ROOT = join(__dirname, '..');
const COMPOSE_FILE = join(ROOT, 'docker-compose.yml');
const WARREN_APPS = ['runtime', 'gateway', 'scheduler'] as const;

interface ComposeService {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  command?: string | string[];
  environment?: Record<string, string> | string[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string | string[] };
  profiles?: string[];
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
    expect(words(service.command)).toBe(`node dist/apps/${app}/src/main.js`);
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
    // Each app's HTTP on its own port: the gateway's PORT, runtime.metricsPort, scheduler.metricsPort.
    expect(words(services.runtime.healthcheck?.test)).toContain('http://localhost:9464/ready');
    expect(words(services.scheduler.healthcheck?.test)).toContain('http://localhost:9465/ready');
  });

  it.each(WARREN_APPS)('starts %s from a main.js that the build produces', (app) => {
    expect(existsSync(join(ROOT, 'apps', app, 'src', 'main.ts'))).toBe(true);
  });

  it('publishes the gateway on port 3000', () => {
    const ports = (services.gateway.ports ?? []).map((p) => (typeof p === 'string' ? p : `${p.published}:${p.target}`));
    expect(ports).toContain('3000:3000');
  });

  it('mounts an enabled_plugins file that enables rabbitmq_consistent_hash_exchange', () => {
    const mounts = (services.rabbitmq.volumes ?? []).map((v) => (typeof v === 'string' ? v : `${v.source}:${v.target}`));
    const mount = mounts.find((m) => m.split(':')[1] === '/etc/rabbitmq/enabled_plugins');
    expect(mount).toBeDefined();
    const hostPath = (mount as string).split(':')[0];
    expect(hostPath).toBe('./docker/rabbitmq/enabled_plugins');
    const plugins = enabledPlugins(readFileSync(join(ROOT, hostPath), 'utf8'));
    expect(plugins).toEqual(expect.arrayContaining(['rabbitmq_consistent_hash_exchange', 'rabbitmq_management']));
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
    // Without the profile, `docker compose up` starts what it started before.
    for (const app of ['rabbitmq', 'mongodb', ...WARREN_APPS]) expect(services[app].profiles).toBeUndefined();
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
    const grafana = mounts('grafana');
    expect(grafana.get('/etc/grafana/provisioning/datasources')).toBe('./deploy/grafana/provisioning/datasources');
    expect(grafana.get('/etc/grafana/provisioning/dashboards')).toBe('./deploy/grafana/provisioning/dashboards');
    expect(grafana.get('/var/lib/grafana/dashboards')).toBe('./deploy/grafana/dashboards');
    for (const [, host] of [...prometheus, ...grafana].filter(([, h]) => h.startsWith('./')))
      expect(existsSync(join(ROOT, host))).toBe(true);
    expect(existsSync(join(ROOT, 'deploy/grafana/dashboards/warren.json'))).toBe(true);
  });

  it('builds the apps with a multi-stage Dockerfile that runs as a non-root user', () => {
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile.match(/^FROM node:20-bookworm-slim\b/gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/^RUN npm ci$/m);
    expect(dockerfile).toMatch(/npm run build/);
    expect(dockerfile).toMatch(/npm prune --omit=dev/);
    expect(dockerfile).toMatch(/^COPY --from=build \/app\/config \.\/config$/m);
    expect(dockerfile).toMatch(/^USER node$/m);
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
