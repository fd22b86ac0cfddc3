import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabaseFile } from '../../../daemon/history/open-database-file';
import { sqlJs } from '../../support/sql-js';

describe('openDatabaseFile without the quick check (a large history)', () => {
  let dir: string;
  const logs: string[] = [];
  const options = {
    now: () => new Date('2025-02-09T10:00:00Z'),
    log: (message: string, fields?: Record<string, unknown>) => logs.push(`${message} ${fields?.reason}`),
    quickCheckMaxBytes: 0,
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'appgen-open-db-'));
    logs.length = 0;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function databaseBytes(rows: number): Promise<Uint8Array> {
    const SQL = await sqlJs();
    const db = new SQL.Database();
    db.exec('CREATE TABLE t (v TEXT)');
    const insert = db.prepare('INSERT INTO t VALUES (?)');
    for (let i = 0; i < rows; i++) insert.run([`row ${i} ${'x'.repeat(100)}`]);
    insert.free();
    const bytes = db.export();
    db.close();
    return bytes;
  }

  it('opens a whole database and keeps its rows', async () => {
    const file = join(dir, 'history.sqlite');
    writeFileSync(file, await databaseBytes(300));
    const opened = await openDatabaseFile(await sqlJs(), file, options);
    assert.equal(opened.loaded, true);
    assert.deepEqual(opened.db.exec('SELECT count(*) FROM t')[0]?.values, [[300]]);
    opened.db.close();
  });

  it('still moves a database cut short aside, saying it is cut off', async () => {
    const file = join(dir, 'history.sqlite');
    const whole = await databaseBytes(300);
    writeFileSync(file, whole.subarray(0, whole.length - 4096));
    const opened = await openDatabaseFile(await sqlJs(), file, options);
    assert.equal(opened.loaded, false);
    assert.ok(opened.movedAside);
    assert.equal(readFileSync(opened.movedAside).length, whole.length - 4096);
    assert.match(logs.join('\n'), /cut off: \d+ bytes of \d+/);
    opened.db.close();
  });

  it('still moves a file with a SQLite header but a garbage body aside', async () => {
    const file = join(dir, 'history.sqlite');
    const bytes = Buffer.alloc(8192, 0x5a);
    bytes.write('SQLite format 3\0', 0, 'latin1');
    writeFileSync(file, bytes);
    const opened = await openDatabaseFile(await sqlJs(), file, options);
    assert.equal(opened.loaded, false);
    assert.ok(opened.movedAside);
    opened.db.close();
  });

  it('moves a named pipe in place of the file aside at once, instead of waiting for a writer', async () => {
    const file = join(dir, 'history.sqlite');
    execFileSync('mkfifo', [file]);
    const opened = await openDatabaseFile(await sqlJs(), file, options);
    assert.equal(opened.loaded, false);
    assert.ok(opened.movedAside);
    assert.match(logs.join('\n'), /the file is a named pipe \(FIFO\), not a regular file/);
    opened.db.close();
  });

  it('moves a file without the SQLite header aside, naming that', async () => {
    const file = join(dir, 'history.sqlite');
    writeFileSync(file, 'id,model\n1,openai/gpt-4o\n'.repeat(20));
    const opened = await openDatabaseFile(await sqlJs(), file, options);
    assert.equal(opened.loaded, false);
    assert.match(logs.join('\n'), /no SQLite header/);
    opened.db.close();
  });
});
