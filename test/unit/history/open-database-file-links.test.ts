/**
 * The history is read only from a regular file in its place. A symbolic link there (to a history
 * outside the workspace, to `/dev/zero`, to nothing) is never followed: the link itself is moved
 * aside with a warning naming it and where it pointed, and a new history starts.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HistoryStore } from '../../../daemon/history/history-store';
import { type HistoryLog, openDatabaseFile } from '../../../daemon/history/open-database-file';
import { sqlJs } from '../../support/sql-js';

interface LogLine {
  message: string;
  fields: Record<string, unknown>;
  level: string;
}

describe('openDatabaseFile with a link or a non-file in place of the history', () => {
  let workspace: string;
  let outside: string;
  let file: string;
  const logs: LogLine[] = [];
  const log: HistoryLog = (message, fields = {}, level = 'info') => logs.push({ message, fields, level });
  const options = { now: () => new Date('2025-02-09T10:00:00Z'), log };

  beforeEach(() => {
    workspace = mkdtempSync(join(tmpdir(), 'appgen-workspace-'));
    outside = mkdtempSync(join(tmpdir(), 'appgen-outside-'));
    mkdirSync(join(workspace, '.appgen'));
    file = join(workspace, '.appgen', 'history.sqlite');
    logs.length = 0;
  });
  afterEach(() => {
    rmSync(workspace, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  /** A database with rows of its own, as another workspace's history would have. */
  async function databaseWithRows(path: string): Promise<Buffer> {
    const SQL = await sqlJs();
    const db = new SQL.Database();
    db.exec("CREATE TABLE t (v TEXT); INSERT INTO t VALUES ('outside row'), ('another')");
    writeFileSync(path, db.export());
    db.close();
    return readFileSync(path);
  }

  function tableCount(opened: { db: { exec(sql: string): { values: unknown[][] }[] } }): unknown {
    return opened.db.exec('SELECT count(*) FROM sqlite_master')[0]?.values[0]?.[0];
  }

  function onlyWarning(): LogLine {
    assert.equal(logs.length, 1, JSON.stringify(logs));
    const [line] = logs;
    assert.ok(line);
    assert.equal(line.level, 'warn');
    assert.equal(line.fields.file, file);
    return line;
  }

  it('does not read a history outside the workspace through a link, and moves the link aside', async () => {
    const target = join(outside, 'history.sqlite');
    const before = await databaseWithRows(target);
    symlinkSync(target, file);

    const opened = await openDatabaseFile(await sqlJs(), file, options);

    assert.equal(opened.loaded, false);
    assert.equal(tableCount(opened), 0, 'a new, empty history');
    assert.equal(opened.movedAside, `${file}.link-2025-02-09T10-00-00-000Z`);
    assert.ok(lstatSync(opened.movedAside).isSymbolicLink(), 'the link itself was renamed');
    assert.equal(readlinkSync(opened.movedAside), target);
    assert.equal(existsSync(file), false);
    assert.deepEqual(readFileSync(target), before, 'the outside file is unchanged byte for byte');
    const line = onlyWarning();
    assert.match(line.message, /symbolic link/);
    assert.equal(line.fields.movedTo, opened.movedAside);
    assert.equal(line.fields.linkTarget, target);
    assert.match(String(line.fields.reason), /symbolic link to .*appgen-outside-.*history\.sqlite/);
    opened.db.close();
  });

  it('does not read a link to a history inside the workspace either', async () => {
    const target = join(workspace, 'elsewhere.sqlite');
    const before = await databaseWithRows(target);
    symlinkSync(target, file);

    const opened = await openDatabaseFile(await sqlJs(), file, options);

    assert.equal(opened.loaded, false);
    assert.equal(tableCount(opened), 0);
    assert.ok(opened.movedAside && lstatSync(opened.movedAside).isSymbolicLink());
    assert.deepEqual(readFileSync(target), before);
    onlyWarning();
    opened.db.close();
  });

  it('moves a link to /dev/zero aside at once with a warning, without reading it', async () => {
    symlinkSync('/dev/zero', file);

    const opened = await openDatabaseFile(await sqlJs(), file, options);

    assert.equal(opened.loaded, false);
    assert.equal(tableCount(opened), 0);
    assert.ok(opened.movedAside);
    assert.ok(lstatSync(opened.movedAside).isSymbolicLink());
    assert.equal(readlinkSync(opened.movedAside), '/dev/zero');
    assert.ok(lstatSync('/dev/zero').isCharacterDevice(), '/dev/zero is still the device');
    const line = onlyWarning();
    assert.equal(line.fields.linkTarget, '/dev/zero');
    assert.match(String(line.fields.reason), /symbolic link to \/dev\/zero/);
    opened.db.close();
  });

  it('moves a link to nothing aside with a warning', async () => {
    symlinkSync(join(outside, 'missing.sqlite'), file);

    const opened = await openDatabaseFile(await sqlJs(), file, options);

    assert.equal(opened.loaded, false);
    assert.ok(opened.movedAside && lstatSync(opened.movedAside).isSymbolicLink());
    assert.equal(existsSync(join(outside, 'missing.sqlite')), false, 'nothing created at the target');
    onlyWarning();
    opened.db.close();
  });

  it('never renames over an earlier link kept aside, even a dangling one', async () => {
    const kept = `${file}.link-2025-02-09T10-00-00-000Z`;
    symlinkSync(join(outside, 'gone.sqlite'), kept);
    symlinkSync('/dev/zero', file);

    const opened = await openDatabaseFile(await sqlJs(), file, options);

    assert.equal(opened.movedAside, `${kept}-2`);
    assert.equal(readlinkSync(kept), join(outside, 'gone.sqlite'));
    assert.equal(readlinkSync(`${kept}-2`), '/dev/zero');
    opened.db.close();
  });

  it('moves a named pipe aside at once with a warning giving the reason', async () => {
    execFileSync('mkfifo', [file]);

    const opened = await openDatabaseFile(await sqlJs(), file, options);

    assert.equal(opened.loaded, false);
    assert.equal(opened.movedAside, `${file}.corrupt-2025-02-09T10-00-00-000Z`);
    assert.ok(lstatSync(opened.movedAside).isFIFO());
    const line = onlyWarning();
    assert.equal(line.fields.reason, 'the file is a named pipe (FIFO), not a regular file');
    opened.db.close();
  });

  it('moves a folder aside with a warning giving the reason', async () => {
    mkdirSync(file);

    const opened = await openDatabaseFile(await sqlJs(), file, options);

    assert.equal(opened.loaded, false);
    assert.ok(opened.movedAside && lstatSync(opened.movedAside).isDirectory());
    assert.equal(onlyWarning().fields.reason, 'the file is a folder, not a file');
    opened.db.close();
  });

  it('still moves a damaged regular file aside as corrupt, at info level', async () => {
    writeFileSync(file, 'not a database at all');

    const opened = await openDatabaseFile(await sqlJs(), file, options);

    assert.equal(opened.movedAside, `${file}.corrupt-2025-02-09T10-00-00-000Z`);
    assert.equal(readFileSync(opened.movedAside, 'utf8'), 'not a database at all');
    assert.equal(logs.length, 1);
    assert.equal(logs[0]?.level, 'info');
    assert.match(String(logs[0]?.fields.reason), /no SQLite header/);
    opened.db.close();
  });

  it('a store opened over a link to another history neither shows its rows nor writes through the link', async () => {
    const target = join(outside, 'history.sqlite');
    const other = await HistoryStore.open({ file: target, sqlJs: await sqlJs(), now: options.now });
    other.setState('queue.pause', 'from the outside history');
    await other.close();
    const before = readFileSync(target);
    symlinkSync(target, file);

    const store = await HistoryStore.open({ file, sqlJs: await sqlJs(), now: options.now, log });
    assert.equal(store.getState('queue.pause'), undefined, 'the outside history was not read');
    store.setState('queue.pause', 'this workspace');
    await store.close();

    assert.deepEqual(readFileSync(target), before, 'the outside file is unchanged byte for byte');
    assert.ok(lstatSync(file).isFile(), 'the saved history is a regular file of its own');
    assert.ok(store.movedAside && lstatSync(store.movedAside).isSymbolicLink());
    assert.equal(readlinkSync(store.movedAside), target);
    const reopened = await HistoryStore.open({ file, sqlJs: await sqlJs(), now: options.now });
    assert.equal(reopened.getState('queue.pause'), 'this workspace');
    await reopened.close();
    assert.ok(logs.some((line) => line.level === 'warn' && line.fields.file === file));
  });
});
