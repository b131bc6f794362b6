import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StoreUnavailableError } from '@warren/contracts';
import { GroupCommit } from './group-commit';
import { openSqlite, type SqliteDatabase } from './sqlite-database';

describe('GroupCommit', () => {
  let dir: string;
  let db: SqliteDatabase;
  let commit: GroupCommit;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'warren-group-commit-'));
    db = openSqlite(dir, 1000);
    db.exec('CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER NOT NULL)');
    commit = new GroupCommit(db);
  });

  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const insert = (k: string, v: number) => () => db.prepare('INSERT INTO t (k, v) VALUES (?, ?)').run(k, v).changes;
  const rows = () => db.prepare('SELECT k, v FROM t ORDER BY k').all();

  it('commits the writes of one pass of the event loop in one transaction, each resolving after the commit', async () => {
    const other = openSqlite(dir, 1000); // another process's view: only committed rows
    try {
      const visibleToOther: number[] = [];
      const writes = ['a', 'b', 'c'].map((k, i) =>
        commit.run('insert', () => {
          expect(db.inTransaction).toBe(true);
          visibleToOther.push((other.prepare('SELECT COUNT(*) AS n FROM t').get() as { n: number }).n);
          return insert(k, i)();
        }),
      );
      expect(rows()).toEqual([]); // nothing is written before the pass ends
      await expect(Promise.all(writes)).resolves.toEqual([1, 1, 1]);
      expect(visibleToOther).toEqual([0, 0, 0]); // a and b were not committed before c ran: one transaction
      expect(other.prepare('SELECT COUNT(*) AS n FROM t').get()).toEqual({ n: 3 });
      expect(db.inTransaction).toBe(false);
      await commit.run('insert d', insert('d', 3)); // a later pass: a transaction of its own
      expect(other.prepare('SELECT COUNT(*) AS n FROM t').get()).toEqual({ n: 4 });
    } finally {
      other.close();
    }
  });

  it('rolls back and rejects only the write that failed; the others commit', async () => {
    const both = db.transaction(() => {
      insert('x', 1)();
      insert('a', 9)(); // duplicate key: the savepoint undoes x too
    });
    const a = commit.run('insert a', insert('a', 1));
    const bad = commit.run('insert x and a', () => both());
    const c = commit.run('insert c', insert('c', 3));
    await expect(a).resolves.toBe(1);
    await expect(bad).rejects.toBeInstanceOf(Error);
    await expect(c).resolves.toBe(1);
    expect(rows()).toEqual([
      { k: 'a', v: 1 },
      { k: 'c', v: 3 },
    ]);
  });

  it('rejects every write of the batch when the transaction cannot start', async () => {
    const other = openSqlite(dir, 1000);
    other.pragma('busy_timeout = 0');
    db.pragma('busy_timeout = 0');
    other.prepare('BEGIN IMMEDIATE').run(); // another process holds the write lock
    try {
      const writes = [commit.run('insert a', insert('a', 1)), commit.run('insert b', insert('b', 2))];
      for (const w of writes) await expect(w).rejects.toBeInstanceOf(StoreUnavailableError);
    } finally {
      other.prepare('ROLLBACK').run();
      other.close();
    }
    expect(rows()).toEqual([]);
  });

  it('flush() commits what is queued at once (before the database closes)', async () => {
    const w = commit.run('insert a', insert('a', 1));
    commit.flush();
    expect(rows()).toEqual([{ k: 'a', v: 1 }]);
    await expect(w).resolves.toBe(1);
  });
});
