// The Grafana dashboard and the Prometheus alert rules of deploy/ use only metrics (and labels)
// that Warren exports, so a renamed metric cannot leave a panel blank or an alert silent.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { WarrenMetrics } from './warren-metrics';

const DEPLOY = join(__dirname, '..', '..', '..', '..', 'deploy');
/** Series Prometheus makes itself, not the apps. */
const PROMETHEUS_OWN = new Set(['up']);
/** Labels Prometheus adds to every series of a target (deploy/prometheus/prometheus.yml). */
const TARGET_LABELS = new Set(['job', 'instance', 'app', 'le']);
const HISTOGRAM_SUFFIXES = ['_bucket', '_sum', '_count'];
const PROMQL_WORDS = new Set([
  'sum',
  'min',
  'max',
  'avg',
  'count',
  'rate',
  'increase',
  'irate',
  'by',
  'without',
  'on',
  'ignoring',
  'and',
  'or',
  'unless',
  'histogram_quantile',
  'clamp_min',
  'clamp_max',
  'topk',
  'bottomk',
  'abs',
  'offset',
  'bool',
  'group_left',
  'group_right',
]);

interface Exported {
  name: string;
  type: string;
  labels: Set<string>;
}

/** Every metric a fully used WarrenMetrics exports (process metrics included), with its label names. */
async function exportedMetrics(): Promise<Map<string, Exported>> {
  const m = new WarrenMetrics();
  const out = new Map<string, Exported>();
  for (const metric of await m.registry.getMetricsAsJSON()) {
    const labels = new Set<string>();
    for (const name of (metric as unknown as { labelNames?: string[] }).labelNames ?? []) labels.add(name);
    for (const v of metric.values ?? []) for (const l of Object.keys(v.labels ?? {})) labels.add(l);
    out.set(metric.name, { name: metric.name, type: String(metric.type), labels });
  }
  // prom-client's own objects know their label names even before a value is recorded.
  for (const [name, metric] of Object.entries(
    (m.registry as unknown as { _metrics: Record<string, { labelNames?: string[] }> })._metrics,
  )) {
    for (const l of metric.labelNames ?? []) out.get(name)?.labels.add(l);
  }
  return out;
}

/** The metric selectors of a PromQL expression: `name` and the label names of its `{…}` matcher. */
function selectors(expr: string): { name: string; labels: string[] }[] {
  const found: { name: string; labels: string[] }[] = [];
  const stripped = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  const re = /\b([a-zA-Z_:][a-zA-Z0-9_:]*)\b(\s*\{([^}]*)\})?/g;
  for (let m = re.exec(stripped); m !== null; m = re.exec(stripped)) {
    const name = m[1];
    if (PROMQL_WORDS.has(name) || /^\d/.test(name)) continue;
    // Labels in `by (…)`, durations and template variables are not metrics.
    const before = stripped.slice(0, m.index);
    if (/\b(by|without|on|ignoring)\s*\([^)]*$/.test(before) || /\[[^\]]*$/.test(before) || /\$\w*$/.test(before)) continue;
    const labels = (m[3] ?? '')
      .split(',')
      .map((s) => s.trim().split(/\s*[=!~]/)[0])
      .filter(Boolean);
    found.push({ name, labels });
  }
  return found;
}

/** The label names of every `by (…)` group of an expression. */
function groupings(expr: string): string[] {
  return [...expr.matchAll(/\bby\s*\(([^)]*)\)/g)].flatMap((m) =>
    m[1]
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
}

function dashboardExpressions(): string[] {
  const dashboard = JSON.parse(readFileSync(join(DEPLOY, 'grafana', 'dashboards', 'warren.json'), 'utf8')) as {
    panels: { type: string; targets?: { expr: string; datasource?: { uid?: string } }[] }[];
  };
  return dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
}

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels?: { severity?: string };
  annotations?: { summary?: string };
}

function alertRules(): Rule[] {
  const file = parseYaml(readFileSync(join(DEPLOY, 'prometheus', 'warren-alerts.yml'), 'utf8')) as { groups: { rules: Rule[] }[] };
  return file.groups.flatMap((g) => g.rules);
}

function checkExpressions(exprs: string[], exported: Map<string, Exported>): string[] {
  const problems: string[] = [];
  for (const expr of exprs) {
    const used = selectors(expr);
    if (used.length === 0) problems.push(`no metric in: ${expr}`);
    const names: Exported[] = [];
    for (const { name, labels } of used) {
      if (PROMETHEUS_OWN.has(name)) continue;
      const suffix = HISTOGRAM_SUFFIXES.find((s) => name.endsWith(s) && exported.get(name.slice(0, -s.length))?.type === 'histogram');
      const metric = exported.get(suffix ? name.slice(0, -suffix.length) : name);
      if (!metric) {
        problems.push(`${name} is not exported (in: ${expr})`);
        continue;
      }
      names.push(metric);
      for (const l of labels) if (!metric.labels.has(l) && !TARGET_LABELS.has(l)) problems.push(`${name} has no label ${l} (in: ${expr})`);
    }
    for (const l of groupings(expr)) {
      if (!TARGET_LABELS.has(l) && names.length > 0 && !names.some((m) => m.labels.has(l)))
        problems.push(`no metric of "${expr}" has label ${l}`);
    }
  }
  return problems;
}

describe('deploy/ (Grafana dashboard, Prometheus alert rules)', () => {
  let exported: Map<string, Exported>;
  beforeAll(async () => {
    exported = await exportedMetrics();
  });

  it('reads the metric selectors of an expression, not its functions, labels or ranges', () => {
    expect(selectors('histogram_quantile(0.95, sum by (le, source) (rate(warren_x_bucket{a="b",c=~"d"}[5m]))) > 2')).toEqual([
      { name: 'warren_x_bucket', labels: ['a', 'c'] },
    ]);
  });

  it('the dashboard uses only exported metrics and labels, from the provisioned data source', () => {
    const exprs = dashboardExpressions();
    expect(exprs.length).toBeGreaterThan(20);
    expect(checkExpressions(exprs, exported)).toEqual([]);
    const datasource = parseYaml(readFileSync(join(DEPLOY, 'grafana', 'provisioning', 'datasources', 'prometheus.yml'), 'utf8')) as {
      datasources: { uid: string }[];
    };
    const raw = readFileSync(join(DEPLOY, 'grafana', 'dashboards', 'warren.json'), 'utf8');
    const uids = new Set([...raw.matchAll(/"uid":\s*"([^"]+)"/g)].map((m) => m[1]).filter((u) => u !== 'warren-overview'));
    expect([...uids]).toEqual([datasource.datasources[0].uid]);
  });

  it('the alert rules use only exported metrics and labels, each with a severity and a summary', () => {
    const rules = alertRules();
    expect(rules.map((r) => r.alert)).toEqual(
      expect.arrayContaining(['WarrenBrokerDisconnected', 'WarrenDeadLetters', 'WarrenSlowFirstDelta', 'WarrenAppDown']),
    );
    expect(
      checkExpressions(
        rules.map((r) => r.expr),
        exported,
      ),
    ).toEqual([]);
    for (const r of rules) {
      expect([r.alert, r.labels?.severity]).toEqual([r.alert, expect.stringMatching(/^(critical|warning|info)$/)]);
      expect(r.annotations?.summary).toBeTruthy();
    }
  });

  it('names every metric by the Prometheus conventions: warren_ prefix, base units, _total only on counters', () => {
    const ours = [...exported.values()].filter((m) => m.name.startsWith('warren_'));
    for (const m of ours) {
      if (m.type === 'counter') expect(m.name).toMatch(/_total$/);
      else expect(m.name).not.toMatch(/_total$/);
      if (m.type === 'histogram') expect(m.name).toMatch(/_(seconds|bytes)$/);
      expect(m.name).not.toMatch(/_(ms|milliseconds)$/);
      for (const l of m.labels) expect(l).toMatch(/^[a-z][a-z0-9_]*$/);
    }
  });
});
