import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedStoreElsewhereError, WARREN_ERROR_CODES } from '@warren/contracts';
import { claimHost, thisHost } from './host-marker';
import { openSqlite } from './sqlite-database';

describe('the embedded store’s host marker', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'warren-host-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is written by the first opener, and the same host opens again', () => {
    claimHost(dir, 'machine-a');
    expect(readFileSync(join(dir, 'host'), 'utf8')).toBe('machine-a\n');
    expect(() => claimHost(dir, 'machine-a')).not.toThrow();
  });

  it('makes a runtime on another host refuse to start on it, saying that several machines need MongoDB', () => {
    claimHost(dir, 'machine-a');
    let error: unknown;
    try {
      claimHost(dir, 'machine-b');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EmbeddedStoreElsewhereError);
    expect((error as EmbeddedStoreElsewhereError).code).toBe(WARREN_ERROR_CODES.STORE_ELSEWHERE);
    expect((error as Error).message).toMatch(/machine-a.*MONGO_URL/);
  });

  it('is checked when the store opens (openSqlite), with WARREN_HOST_ID overriding the host name', () => {
    claimHost(dir, 'somewhere-else');
    expect(() => openSqlite(dir, 1000)).toThrow(EmbeddedStoreElsewhereError);
    expect(thisHost({ WARREN_HOST_ID: 'box-1' })).toBe('box-1');
  });
});
