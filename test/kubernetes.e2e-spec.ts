// Checks deploy/kubernetes without a cluster: renders it with `kubectl kustomize` (or, without
// kubectl, reads the kustomization's resources itself) and holds the manifests to the apps' own
// configuration: a Deployment per app, probes on /health and /ready on the port the app listens
// on, a termination grace period longer than the drain, variables the configuration knows.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '@warren/config';
import { parseAllDocuments, parse as parseYaml } from 'yaml';

const ROOT = join(__dirname, '..');
const DIR = join(ROOT, 'deploy', 'kubernetes');
const APPS = ['gateway', 'runtime', 'scheduler'] as const;

interface Probe {
  httpGet?: { path: string; port: string | number };
}
interface Container {
  name: string;
  image: string;
  command: string[];
  ports: { name: string; containerPort: number }[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
  envFrom?: { configMapRef?: { name: string } }[];
  startupProbe?: Probe;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  lifecycle?: { preStop?: { exec?: { command: string[] } } };
  securityContext?: { readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean };
  volumeMounts?: { name: string; mountPath: string }[];
}
interface Manifest {
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  data?: Record<string, string>;
  spec?: {
    selector?: { matchLabels?: Record<string, string> } & Record<string, string>;
    ports?: { port: number; targetPort: string | number }[];
    template?: {
      metadata: { labels: Record<string, string> };
      spec: { terminationGracePeriodSeconds?: number; securityContext?: { runAsNonRoot?: boolean }; containers: Container[] };
    };
  };
}

/** The manifests as `kubectl apply -k` would send them. */
function render(): { manifests: Manifest[]; by: string } {
  const kubectl = spawnSync('kubectl', ['kustomize', DIR], { encoding: 'utf8', timeout: 60_000 });
  if (kubectl.status === 0)
    return { manifests: parseAllDocuments(kubectl.stdout).map((d) => d.toJS() as Manifest), by: 'kubectl kustomize' };
  // No kubectl: the kustomization's resources with its namespace and image tag, which is all it uses.
  const k = parseYaml(readFileSync(join(DIR, 'kustomization.yaml'), 'utf8')) as {
    namespace: string;
    resources: string[];
    images: { name: string; newTag: string }[];
  };
  const manifests = k.resources.flatMap((file) =>
    parseAllDocuments(readFileSync(join(DIR, file), 'utf8')).map((d) => d.toJS() as Manifest),
  );
  for (const m of manifests) {
    if (m.kind !== 'Namespace') m.metadata.namespace = k.namespace;
    for (const c of m.spec?.template?.spec.containers ?? []) {
      const image = k.images.find((i) => i.name === c.image);
      if (image) c.image = `${c.image}:${image.newTag}`;
    }
  }
  return { manifests, by: 'the kustomization read directly (kubectl is not installed)' };
}

const { manifests, by } = render();
console.log(`deploy/kubernetes rendered by ${by}: ${manifests.length} objects`);
const of = (kind: string, name: string) => manifests.find((m) => m.kind === kind && m.metadata.name === name);
const configMap = of('ConfigMap', 'warren')?.data ?? {};

/** The app's configuration as the container would load it: production config, the ConfigMap, the literal env, placeholder secrets. */
function configOf(container: Container) {
  const env: Record<string, string> = { NODE_ENV: 'production', ...configMap };
  for (const e of container.env ?? []) {
    if (e.value !== undefined) env[e.name] = e.value;
    else if (e.name === 'AMQP_URL') env[e.name] = 'amqp://user:secret@rabbitmq:5672/warren';
    else if (e.name === 'MONGO_URL') env[e.name] = 'mongodb://mongodb:27017/warren?replicaSet=rs0';
    else if (e.name.startsWith('WARREN__GATEWAY__')) env[e.name] = '{}';
  }
  return loadConfig({ env, cwd: ROOT });
}

describe('deploy/kubernetes', () => {
  it('is a namespace, a ConfigMap, and per app a Deployment and a Service', () => {
    expect(
      manifests
        .filter((m) => m.kind === 'Deployment')
        .map((m) => m.metadata.name)
        .sort(),
    ).toEqual(APPS.map((a) => `warren-${a}`).sort());
    for (const app of APPS) expect(of('Service', `warren-${app}`)).toBeDefined();
    expect(manifests.filter((m) => m.kind !== 'Namespace').every((m) => m.metadata.namespace === 'warren')).toBe(true);
  });

  describe.each(APPS)('warren-%s', (app) => {
    const deployment = of('Deployment', `warren-${app}`) as Manifest;
    const pod = deployment.spec?.template?.spec as NonNullable<NonNullable<Manifest['spec']>['template']>['spec'];
    const container = pod.containers[0] as Container;
    const config = configOf(container);
    const port = app === 'gateway' ? config.gateway.port : app === 'runtime' ? config.runtime.metricsPort : config.scheduler.metricsPort;

    it('runs the app of the image, its variables known to the configuration (loadConfig accepts them)', () => {
      expect(container.image).toBe('warren:0.1.0');
      expect(container.command).toEqual(['node', `dist/apps/${app}/src/main.js`]);
      expect(existsSync(join(ROOT, 'apps', app, 'src', 'main.ts'))).toBe(true);
      expect(container.envFrom).toEqual([{ configMapRef: { name: 'warren' } }]);
      const secrets = (container.env ?? []).filter((e) => e.valueFrom?.secretKeyRef).map((e) => e.valueFrom?.secretKeyRef?.key);
      expect(secrets).toEqual(expect.arrayContaining(['AMQP_URL', 'MONGO_URL']));
      expect(config.store.mongoUrl).toBeDefined();
    });

    it('probes /health (startup, liveness) and /ready (readiness) on the port the app listens on', () => {
      expect(container.ports).toEqual([{ name: 'http', containerPort: port }]);
      expect(container.startupProbe?.httpGet).toEqual({ path: '/health', port: 'http' });
      expect(container.livenessProbe?.httpGet).toEqual({ path: '/health', port: 'http' });
      expect(container.readinessProbe?.httpGet).toEqual({ path: '/ready', port: 'http' });
    });

    it('gives the pod longer to stop than the drain and the hard limit after it (and the preStop pause)', () => {
      const preStop = Number(container.lifecycle?.preStop?.exec?.command[1] ?? 0);
      const needed = (config.runtime.drainTimeoutMs + config.runtime.shutdownGraceMs) / 1000 + preStop;
      expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(needed);
    });

    it('runs as the non-root node user on a read-only root file system, the data directory writable', () => {
      expect(pod.securityContext?.runAsNonRoot).toBe(true);
      expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
      expect(container.volumeMounts?.map((v) => v.mountPath)).toEqual(expect.arrayContaining(['/app/.warren-data', '/tmp']));
    });

    it('is selected by its Service, whose target port is the container port', () => {
      const service = of('Service', `warren-${app}`) as Manifest;
      const labels = deployment.spec?.template?.metadata.labels ?? {};
      for (const [key, value] of Object.entries(service.spec?.selector ?? {})) expect(labels[key]).toBe(value);
      for (const [key, value] of Object.entries(deployment.spec?.selector?.matchLabels ?? {})) expect(labels[key]).toBe(value);
      expect(service.spec?.ports?.[0]?.targetPort).toBe('http');
    });
  });

  it('sets the drain in the ConfigMap to the values the grace period was sized for', () => {
    expect(configMap).toMatchObject({ WARREN__RUNTIME__DRAIN_TIMEOUT_MS: '30000', WARREN__RUNTIME__SHUTDOWN_GRACE_MS: '10000' });
  });
});
