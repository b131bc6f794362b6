import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { InvalidOptionsError, WARREN_ERROR_CODES } from '@warren/contracts';
import { parse as parseYaml } from 'yaml';
import { loadConfig } from './load-config';

const REPO_ROOT = resolve(__dirname, '../../..');

/** Loads `content` as a config file in a fresh directory; returns the loader's error if any. */
function withConfigFile(content: string, name = 'warren.yaml'): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'warren-config-'));
  const file = join(dir, name);
  writeFileSync(file, content);
  dirs.push(dir);
  return { dir, file };
}

function loadError(fn: () => unknown): InvalidOptionsError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidOptionsError);
    return error as InvalidOptionsError;
  }
  throw new Error('expected loadConfig to throw');
}

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('loadConfig()', () => {
  it('loadConfig() of an empty file yields exactly the values of config/default.yaml', () => {
    const { dir } = withConfigFile('');
    const { runtime, ...fromEmpty } = loadConfig({ env: { WARREN_CONFIG: 'warren' }, cwd: dir });
    const defaultsFile = parseYaml(readFileSync(join(REPO_ROOT, 'config/default.yaml'), 'utf8'));
    const { nodeId, ...runtimeRest } = runtime;

    expect({ ...fromEmpty, runtime: runtimeRest }).toEqual(defaultsFile);
    expect(nodeId).toBe(`${require('node:os').hostname()}-${process.pid}`);
  });

  it('loadConfig() reads config/default.yaml from cwd when WARREN_CONFIG is unset', () => {
    const config = loadConfig({ env: {}, cwd: REPO_ROOT });
    expect(config.amqp).toEqual({
      url: 'amqp://localhost',
      shardCount: 16,
      connectRetries: 3,
      heartbeatSeconds: 5,
      publishTimeoutMs: 10_000,
      connectTimeoutMs: 10_000,
      operationTimeoutMs: 30_000,
      closeTimeoutMs: 5_000,
      setupTimeoutMs: 60_000,
      requestPools: ['model', 'chat', 'embedding', 'tool'],
    });
    expect(config.runtime).toMatchObject({ shardPrefetch: 256, mailboxCapacity: 64, entityBackoffMs: [50, 250, 1000] });
    expect(config.store).toEqual({ dataDir: './.warren-data' });
    expect(config.gateway).toMatchObject({ port: 3000, host: '0.0.0.0', sseHeartbeatMs: 15000, fastPostMessage: true });
    expect(Object.keys(config.gateway.tenants)).toEqual(['dev']);
    expect(Object.keys(config.gateway.admins)).toEqual(['dev-admin']);
    expect(config.gateway.deadLetterRetentionDays).toBe(30);
    expect(config.log).toEqual({ level: 'info', format: 'auto' });
  });

  it('loadConfig() selects config/production when NODE_ENV=production', () => {
    const dir = mkdtempSync(join(tmpdir(), 'warren-config-'));
    dirs.push(dir);
    require('node:fs').mkdirSync(join(dir, 'config'));
    writeFileSync(join(dir, 'config/default.yaml'), 'log: { level: debug }\n');
    writeFileSync(join(dir, 'config/production.yaml'), 'log: { level: warn }\n');

    expect(loadConfig({ env: { NODE_ENV: 'production' }, cwd: dir }).log.level).toBe('warn');
    expect(loadConfig({ env: { NODE_ENV: 'development' }, cwd: dir }).log.level).toBe('debug');
    expect(loadConfig({ env: { NODE_ENV: 'production', WARREN_CONFIG: 'config/default' }, cwd: dir }).log.level).toBe('debug');
  });

  it("loadConfig() loads the repo's config/production.yaml", () => {
    expect(loadConfig({ env: { NODE_ENV: 'production' }, cwd: REPO_ROOT }).log.level).toBe('info');
  });

  it('loadConfig() tries .yaml, .yml then .json after the WARREN_CONFIG path', () => {
    const { dir } = withConfigFile('{ "gateway": { "port": 4000 } }', 'app.json');
    writeFileSync(join(dir, 'app.yml'), 'gateway:\n  port: 5000\n');
    expect(loadConfig({ env: { WARREN_CONFIG: 'app' }, cwd: dir }).gateway.port).toBe(5000);
    rmSync(join(dir, 'app.yml'));
    expect(loadConfig({ env: { WARREN_CONFIG: 'app' }, cwd: dir }).gateway.port).toBe(4000);
  });

  it('loadConfig() throws InvalidOptionsError naming WARREN_CONFIG when no file exists', () => {
    const { dir } = withConfigFile('');
    const error = loadError(() => loadConfig({ env: { WARREN_CONFIG: 'nope' }, cwd: dir }));
    expect(error.key).toBe('WARREN_CONFIG');
    expect(error.code).toBe(WARREN_ERROR_CODES.INVALID_CONFIG);
    expect(error.message).toContain('nope.yaml, nope.yml, nope.json');
  });

  it('loadConfig() names the file when it does not parse', () => {
    const { dir } = withConfigFile('amqp: [unclosed\n');
    const error = loadError(() => loadConfig({ env: { WARREN_CONFIG: 'warren' }, cwd: dir }));
    expect(error.message).toMatch(/^warren\.yaml: cannot read config file: /);
  });

  it('loadConfig() rejects a bad value with the full key path, the value and the file', () => {
    const { dir } = withConfigFile('amqp:\n  shardCount: 0\n');
    const error = loadError(() => loadConfig({ env: { WARREN_CONFIG: 'warren' }, cwd: dir }));
    expect(error.code).toBe('WARREN_INVALID_CONFIG');
    expect(error.key).toBe('amqp.shardCount');
    expect(error.message).toBe('amqp.shardCount: must not be less than 1 (got 0) in warren.yaml');
  });

  it('loadConfig() refuses an unknown key and lists the allowed ones', () => {
    const { dir } = withConfigFile('runtime:\n  askTimeoutMS: 5\n');
    const error = loadError(() => loadConfig({ env: { WARREN_CONFIG: 'warren' }, cwd: dir }));
    expect(error.key).toBe('runtime.askTimeoutMS');
    expect(error.message).toContain('unknown key (allowed: nodeId, askTimeoutMs, mailboxCapacity,');
  });

  it('production config has no development tenant', () => {
    const config = loadConfig({ env: { NODE_ENV: 'production' }, cwd: REPO_ROOT });
    expect(config.gateway.tenants).toEqual({});
  });

  it('production config has no development admin', () => {
    const config = loadConfig({ env: { NODE_ENV: 'production' }, cwd: REPO_ROOT });
    expect(config.gateway.admins).toEqual({});
  });

  it('WARREN__GATEWAY__ADMINS gives the admins as JSON', () => {
    const admins = { alice: { apiKeys: [`sha256:${'a'.repeat(64)}`] } };
    const config = loadConfig({ env: { NODE_ENV: 'production', WARREN__GATEWAY__ADMINS: JSON.stringify(admins) }, cwd: REPO_ROOT });
    expect(config.gateway.admins).toEqual(admins);
  });

  it('loadConfig() refuses an unknown section', () => {
    const { dir } = withConfigFile('metrics:\n  port: 9000\n');
    const error = loadError(() => loadConfig({ env: { WARREN_CONFIG: 'warren' }, cwd: dir }));
    expect(error.key).toBe('metrics');
    // Every section is listed (the list grows with the sections).
    expect(error.message).toMatch(
      /unknown key \(allowed: amqp, runtime, store, gateway, ingress, session, models, moderation, limiter, .*\blog\)/,
    );
  });

  it('loadConfig() enforces runtime.shardPrefetch > runtime.mailboxCapacity', () => {
    const { dir } = withConfigFile('runtime:\n  mailboxCapacity: 300\n');
    const error = loadError(() => loadConfig({ env: { WARREN_CONFIG: 'warren' }, cwd: dir }));
    expect(error.key).toBe('runtime.shardPrefetch');
    expect(error.message).toBe(
      'runtime.shardPrefetch: must be greater than mailboxCapacity (300): one full mailbox would stall every other actor of the shard (got 256) in warren.yaml',
    );
  });
});

describe('ingress section', () => {
  it('loadConfig() reads ingress.tenantsByUser as a map and keeps its defaults otherwise', () => {
    const { dir } = withConfigFile('ingress:\n  tenantsByUser:\n    rtc-edge: acme\n');
    const config = loadConfig({ env: { WARREN_CONFIG: 'warren' }, cwd: dir });
    expect(config.ingress).toEqual({ tenantsByUser: { 'rtc-edge': 'acme' }, defaultTenant: 'dev', maxTextLength: 4000 });
  });

  it('loadConfig() refuses a default tenant that cannot be part of an actor key', () => {
    const { dir } = withConfigFile('ingress:\n  defaultTenant: "a b"\n');
    const error = loadError(() => loadConfig({ env: { WARREN_CONFIG: 'warren' }, cwd: dir }));
    expect(error.key).toBe('ingress.defaultTenant');
  });
});
