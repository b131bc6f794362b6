import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidOptionsError } from '@warren/contracts';
import { readEnvOverrides, toCamelCase } from './env-overrides';
import { loadConfig } from './load-config';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'warren-config-env-'));
  writeFileSync(join(dir, 'base.yaml'), 'amqp:\n  url: amqp://from-file\nruntime:\n  askTimeoutMs: 2000\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const load = (env: Record<string, string>) => loadConfig({ env: { WARREN_CONFIG: 'base', ...env }, cwd: dir });

describe('environment overrides', () => {
  it('loadConfig() applies the documented variables over the file', () => {
    const config = load({
      AMQP_URL: 'amqp://guest:guest@rabbitmq:5672',
      MONGO_URL: 'mongodb://mongodb:27017/warren?replicaSet=rs0',
      WARREN_DATA_DIR: '/var/lib/warren',
      PORT: '8080',
      LOG_LEVEL: 'debug',
      LOG_FORMAT: 'json',
    });
    expect(config.amqp.url).toBe('amqp://guest:guest@rabbitmq:5672');
    expect(config.store).toEqual({ mongoUrl: 'mongodb://mongodb:27017/warren?replicaSet=rs0', dataDir: '/var/lib/warren' });
    expect(config.gateway.port).toBe(8080);
    expect(config.log.level).toBe('debug');
    expect(config.log.format).toBe('json');
  });

  it('loadConfig() treats an empty documented variable as unset', () => {
    const config = load({ MONGO_URL: '', AMQP_URL: '' });
    expect(config.store.mongoUrl).toBeUndefined();
    expect(config.amqp.url).toBe('amqp://from-file');
  });

  it('loadConfig() applies WARREN__SECTION__KEY with camelCase keys and JSON values', () => {
    const config = load({
      WARREN__AMQP__SHARD_COUNT: '32',
      WARREN__RUNTIME__ENTITY_BACKOFF_MS: '[10,20]',
      WARREN__RUNTIME__NODE_ID: 'node-a',
      WARREN__GATEWAY__HOST: '127.0.0.1',
      WARREN__runtime__askTimeoutMs: '500',
    });
    expect(config.amqp.shardCount).toBe(32);
    expect(config.runtime.entityBackoffMs).toEqual([10, 20]);
    expect(config.runtime.nodeId).toBe('node-a');
    expect(config.runtime.askTimeoutMs).toBe(500);
    expect(config.gateway.host).toBe('127.0.0.1');
  });

  it('loadConfig() lets the generic form win over a documented variable', () => {
    expect(load({ PORT: '8080', WARREN__GATEWAY__PORT: '9090' }).gateway.port).toBe(9090);
  });

  it('loadConfig() names the variable that set a bad value', () => {
    expect(() => load({ WARREN__AMQP__SHARD_COUNT: '0' })).toThrow(
      new InvalidOptionsError(
        'amqp.shardCount',
        'must not be less than 1 (got 0) from env WARREN__AMQP__SHARD_COUNT (config file base.yaml)',
      ),
    );
    expect(() => load({ PORT: 'http' })).toThrow(/^gateway\.port: must be an integer number \(got "http"\) from env PORT/);
  });

  it('loadConfig() refuses an unknown key from the generic form', () => {
    expect(() => load({ WARREN__AMQP__SHARDS: '4' })).toThrow(/^amqp\.shards: unknown key .* from env WARREN__AMQP__SHARDS/);
    expect(() => load({ WARREN____PROTO____X: '1' })).toThrow(InvalidOptionsError);
  });

  it('loadConfig() masks URL passwords in error messages', () => {
    expect(() => load({ AMQP_URL: 'http://user:s3cret@host' })).toThrow(/got "http:\/\/user:\*\*\*@host"/);
  });

  it('readEnvOverrides() ignores unrelated variables', () => {
    expect(readEnvOverrides({ HOME: '/root', WARREN_CONFIG: 'x', WARREN__: '1' })).toEqual([]);
  });

  it('toCamelCase() converts SNAKE_CASE segments and keeps camelCase ones', () => {
    expect(toCamelCase('WORKER_RETRY_TIERS_MS')).toBe('workerRetryTiersMs');
    expect(toCamelCase('AMQP')).toBe('amqp');
    expect(toCamelCase('shardCount')).toBe('shardCount');
  });
});
