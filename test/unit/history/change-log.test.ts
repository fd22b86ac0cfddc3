import { strict as assert } from 'node:assert';
import { existsSync, lstatSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { appendFile, copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SqlJsStatic } from 'sql.js';
import { changeLogPath, encodeChanges, parseChangeLog } from '../../../daemon/history/change-log';
import {
  type CheckpointPolicy,
  type CheckpointState,
  checkpointDue,
  foldDelayMs,
} from '../../../daemon/history/checkpoint-policy';
import { HistoryStore, type HistoryStoreOptions } from '../../../daemon/history/history-store';
import { jobToRow } from '../../../daemon/history/job-row';
import { fullJob, minimalJob } from '../../support/job-fixtures';
import { sqlJs } from '../../support/sql-js';
import { FakeTimers, tempDir } from './history-test-helpers';

describe('history change log', () => {
  describe('parseChangeLog', () => {
    it('reads back what encodeChanges wrote', () => {
      const text = encodeChanges([
        { s: 'job', r: { id: 'job-1', status: 'queued', app_num: 3, phase: null } },
        { s: 'batch', p: ['batch-1', 'appgen.batch.json', '2025-02-09T10:00:00.000Z', null, '{}'] },
        { s: 'ports', p: ['m', 1, 5001, 8001] },
      ]);
      const parsed = parseChangeLog(text);
      assert.deepEqual(parsed.skipped, []);
      assert.deepEqual(
        parsed.entries.map((entry) => entry.s),
        ['job', 'batch', 'ports'],
      );
      assert.deepEqual(parsed.entries[0], {
        s: 'job',
        r: { id: 'job-1', status: 'queued', app_num: 3, phase: null },
      });
    });

    it('leaves out a last line cut off while being appended', () => {
      const text = `${encodeChanges([{ s: 'ports', p: ['m', 1, 5001, 8001] }])}{"s":"job","r":{"id":"jo`;
      const parsed = parseChangeLog(text);
      assert.equal(parsed.entries.length, 1);
      assert.deepEqual(parsed.skipped, [{ line: 2, reason: 'cut off while being written' }]);
    });

    it('names each line that is not a known statement with values of the right kinds', () => {
      const lines = [
        'not json',
        '42',
        '{"s":"sql","p":["DROP TABLE jobs"]}',
        '{"s":"job","r":{"id":"x","evil; DROP":"1"}}',
        '{"s":"job","r":{"id":"x","files":{"nested":true}}}',
        '{"s":"job","r":{"status":"queued"}}',
        '{"s":"ports","p":["m",1,5001]}',
        '{"s":"batch","p":[1,2,3,4,[5]]}',
      ];
      const parsed = parseChangeLog(`${lines.join('\n')}\n`);
      assert.deepEqual(parsed.entries, []);
      assert.deepEqual(parsed.skipped, [
        { line: 1, reason: 'not JSON' },
        { line: 2, reason: 'not an object' },
        { line: 3, reason: 'unknown statement "sql"' },
        { line: 4, reason: 'unknown job column "evil; DROP"' },
        { line: 5, reason: 'job column "files" holds neither text, a number nor null' },
        { line: 6, reason: 'a job row without an id' },
        { line: 7, reason: 'a ports line needs 4 values (text, numbers or null)' },
        { line: 8, reason: 'a batch line needs 5 values (text, numbers or null)' },
      ]);
    });
  });

  describe('checkpoint policy', () => {
    const policy: CheckpointPolicy = {
      wholeFileBytes: 1000,
      spacingFactor: 50,
      maxLogBytes: 5000,
      appendFirstRows: 100,
    };
    const large: CheckpointState = {
      fileBytes: 50_000_000,
      logBytes: 10,
      lastCheckpointMs: 100,
      sinceCheckpointMs: 1000,
      unloggable: false,
      waitingRows: 1,
    };

    it('writes small files whole every time', () => {
      assert.equal(checkpointDue(policy, { ...large, fileBytes: 1000 }), true);
    });

    it('spaces whole writes of a large file by fifty times what the last one took', () => {
      assert.equal(checkpointDue(policy, large), false);
      assert.equal(foldDelayMs(policy, large), 4000);
      assert.equal(checkpointDue(policy, { ...large, sinceCheckpointMs: 5000 }), true);
      assert.equal(foldDelayMs(policy, { ...large, sinceCheckpointMs: 6000 }), 0);
    });

    it('writes whole when the log is large or holds a change it cannot carry', () => {
      assert.equal(checkpointDue(policy, { ...large, logBytes: 5000 }), true);
      assert.equal(checkpointDue(policy, { ...large, unloggable: true }), true);
    });

    it('appends very many waiting rows first, even to a small file or a long log', () => {
      assert.equal(checkpointDue(policy, { ...large, fileBytes: 1000, waitingRows: 100 }), true);
      assert.equal(checkpointDue(policy, { ...large, fileBytes: 1000, waitingRows: 101 }), false);
      assert.equal(checkpointDue(policy, { ...large, logBytes: 5000, waitingRows: 101 }), false);
      assert.equal(checkpointDue(policy, { ...large, unloggable: true, waitingRows: 101 }), true);
    });

    it('spaces whole writes measured at 0 ms by at least the factor in milliseconds', () => {
      assert.equal(foldDelayMs(policy, { ...large, lastCheckpointMs: 0, sinceCheckpointMs: 0 }), 50);
    });
  });

  describe('a store that logs its saves', () => {
    let SQL: SqlJsStatic;
    let dir: string;
    let cleanup: () => Promise<void>;
    let file: string;
    let clock: number;
    let timers: FakeTimers;
    let messages: Array<{ message: string; fields?: Record<string, unknown> }>;
    const stores: HistoryStore[] = [];

    /** Never written whole on timing alone; the first save writes the new file's schema whole. */
    async function open(options: Partial<HistoryStoreOptions> = {}): Promise<HistoryStore> {
      const store = await HistoryStore.open({
        file,
        sqlJs: SQL,
        saveDelayMs: 250,
        timers,
        monotonicMs: () => clock,
        checkpoint: { wholeFileBytes: 0, spacingFactor: 1e9 },
        log: (message, fields) => messages.push({ message, fields: fields as Record<string, unknown> }),
        ...options,
      });
      stores.push(store);
      return store;
    }

    /** The jobs the database file itself holds, without its change log. */
    async function jobsInFile(): Promise<string[]> {
      const db = new SQL.Database(await readFile(file));
      try {
        return (db.exec('SELECT id FROM jobs ORDER BY id')[0]?.values ?? []).map((row) => String(row[0]));
      } finally {
        db.close();
      }
    }

    before(async () => {
      SQL = await sqlJs();
    });
    beforeEach(async () => {
      ({ dir, cleanup } = await tempDir());
      file = join(dir, 'history.sqlite');
      clock = 0;
      timers = new FakeTimers();
      messages = [];
    });
    afterEach(async () => {
      for (const store of stores.splice(0)) await store.close().catch(() => undefined);
      await cleanup();
    });

    it('creates the history, its change log and its folder readable by the user only', async () => {
      const privateFile = join(dir, 'state', 'history.sqlite');
      const store = await open({ file: privateFile });
      await store.flush(); // written whole: the temporary file renamed over the history
      store.upsertJob(fullJob({ id: 'job-a' }));
      await store.flush(); // appended to the change log
      const mode = (path: string) => statSync(path).mode & 0o777;
      assert.equal(mode(join(dir, 'state')), 0o700);
      assert.equal(mode(privateFile), 0o600);
      assert.equal(mode(changeLogPath(privateFile)), 0o600);
    });

    it("never reads or appends through a link in the change log's place: moves the link aside", async () => {
      const first = await open();
      await first.flush();
      first.upsertJob(fullJob({ id: 'job-a' }));
      await first.flush();
      await first.close();
      // Another history's log outside, linked in where this history's log goes.
      const outside = join(dir, 'outside.changes');
      const planted = encodeChanges([
        { s: 'job', r: jobToRow(fullJob({ id: 'job-planted' }), '2025-02-09T10:00:00.000Z') },
      ]);
      await writeFile(outside, planted);
      symlinkSync(outside, changeLogPath(file));

      const second = await open();
      assert.equal(second.getJob('job-planted'), undefined, 'the linked log was not replayed');
      assert.ok(second.getJob('job-a'));
      const moved = readdirSync(dir).find((name) => name.startsWith('history.sqlite.changes.refused-'));
      assert.ok(moved && lstatSync(join(dir, moved)).isSymbolicLink(), 'the link itself was moved aside');
      assert.ok(
        messages.some(
          (m) =>
            m.message.startsWith('history change log refused') &&
            m.fields?.reason === 'it is a symbolic link',
        ),
      );
      second.upsertJob(fullJob({ id: 'job-b' }));
      await second.flush();
      assert.equal(await readFile(outside, 'utf8'), planted, 'nothing appended outside');
      assert.ok(!lstatSync(changeLogPath(file)).isSymbolicLink(), 'a new log of its own');

      // A link planted while the history is open: the append fails, nothing reaches the target.
      rmSync(changeLogPath(file));
      symlinkSync(outside, changeLogPath(file));
      second.upsertJob(fullJob({ id: 'job-c' }));
      await second.flush().catch(() => undefined);
      assert.equal(await readFile(outside, 'utf8'), planted);
    });

    it('logs a job row without its empty cells, and replays them as empty, clearing what was set', async () => {
      const first = await open();
      await first.flush();
      first.upsertJob(fullJob({ id: 'job-a' }));
      await first.flush();
      const queued = minimalJob({ id: 'job-a' });
      first.upsertJob(queued);
      await first.flush();
      const lines = (await readFile(changeLogPath(file), 'utf8')).trim().split('\n');
      const last = JSON.parse(lines.at(-1)!) as { s: string; r: Record<string, unknown> };
      assert.equal(last.s, 'job');
      assert.ok(!Object.values(last.r).includes(null), `no empty cell in ${lines.at(-1)}`);
      assert.equal(last.r.error_code, undefined);

      const second = await open();
      assert.deepEqual(second.getJob('job-a'), first.getJob('job-a'));
      assert.equal(second.getJob('job-a')?.error, undefined, 'the full job error is cleared on replay');
      assert.equal(second.getJob('job-a')?.usage, undefined);
    });

    it('appends a save to the log instead of writing the file, and a second open replays it', async () => {
      const first = await open();
      await first.flush(); // the new file's schema, written whole
      first.upsertJob(fullJob({ id: 'job-a' }));
      first.recordBatch({ id: 'batch-7', createdAt: '2025-02-09T10:00:00.000Z', options: { repeat: 2 } });
      const ports = first.portsFor('openai_gpt-4o', 1);
      await first.flush();
      assert.equal(first.stats().checkpoints, 1);
      assert.equal(first.stats().saves, 2);
      assert.deepEqual(await jobsInFile(), [], 'the file is not written again');
      const lines = (await readFile(changeLogPath(file), 'utf8')).trim().split('\n');
      assert.deepEqual(
        lines.map((line) => JSON.parse(line).s),
        ['batch', 'ports', 'job'],
      );

      // The first store is never closed, as after a crash.
      const second = await open();
      assert.deepEqual(second.getJob('job-a'), first.getJob('job-a'));
      assert.deepEqual(second.getBatch('batch-7'), first.getBatch('batch-7'));
      assert.deepEqual(second.portsFor('openai_gpt-4o', 1), ports);
      assert.notDeepEqual(second.portsFor('openai_gpt-4o', 2), ports, 'replayed ports stay taken');
      assert.ok(messages.some((m) => m.message === 'history change log replayed' && m.fields?.changes === 3));
    });

    it("logs the daemon's state, and a second open replays it, cleared values too", async () => {
      const first = await open();
      await first.flush();
      first.setState('queue.pause', '{"cause":"insufficient_credits"}');
      first.setState('other', 'kept');
      await first.flush();
      first.setState('queue.pause', undefined);
      await first.flush();
      const lines = (await readFile(changeLogPath(file), 'utf8')).trim().split('\n');
      assert.deepEqual(
        lines.map((line) => JSON.parse(line).s),
        ['state', 'state', 'state'],
      );
      const second = await open();
      assert.equal(second.getState('queue.pause'), undefined);
      assert.equal(second.getState('other'), 'kept');
      await second.close();
      const third = await open();
      assert.equal(third.getState('other'), 'kept', 'and the whole file holds it');
    });

    it('folds the log into the file on close and removes it', async () => {
      const store = await open();
      await store.flush();
      for (let i = 0; i < 3; i++) store.upsertJob(minimalJob({ id: `job-${i}`, appNum: i + 1 }));
      await store.flush();
      assert.ok(existsSync(changeLogPath(file)));
      await store.close();
      assert.deepEqual(await jobsInFile(), ['job-0', 'job-1', 'job-2']);
      assert.equal(existsSync(changeLogPath(file)), false);
    });

    it('replays a log onto a file that already holds its lines without doubling anything', async () => {
      const store = await open();
      await store.flush();
      store.upsertJob(minimalJob({ id: 'job-a', status: 'succeeded' }));
      store.portsFor('openai_gpt-4o', 1);
      await store.flush();
      const kept = join(dir, 'kept.changes');
      await copyFile(changeLogPath(file), kept);
      await store.close();
      // A crash after the whole write, before the log was removed.
      await copyFile(kept, changeLogPath(file));
      const reopened = await open();
      assert.deepEqual(
        reopened.listJobs().map((job) => [job.id, job.status]),
        [['job-a', 'succeeded']],
      );
      assert.deepEqual(reopened.portsFor('openai_gpt-4o', 1), { backend: 5001, frontend: 8001 });
    });

    it('keeps the lines before a cut-off one and says which line it left out', async () => {
      const store = await open();
      await store.flush();
      store.upsertJob(minimalJob({ id: 'job-a' }));
      await store.flush();
      await appendFile(changeLogPath(file), '{"s":"job","r":{"id":"job-b","sta');
      const reopened = await open();
      assert.deepEqual(
        reopened.listJobs().map((job) => job.id),
        ['job-a'],
      );
      assert.ok(
        messages.some(
          (m) =>
            m.message === 'history change log: line left out' &&
            m.fields?.reason === 'cut off while being written',
        ),
      );
    });

    it('runs no statement a hostile log names, keeps every table and leaves out rows they refuse', async () => {
      const store = await open();
      await store.flush();
      await store.close();
      const injected = minimalJob({ id: "x'); DROP TABLE jobs; --" });
      await writeFile(
        changeLogPath(file),
        [
          '{"s":"sql","p":["DROP TABLE jobs"]}',
          '{"s":"job","r":{"id":"no-template"}}',
          JSON.stringify({ s: 'job', r: jobToRow(injected, '2025-02-09T10:00:00.000Z') }),
          '',
        ].join('\n'),
      );
      const reopened = await open();
      assert.deepEqual(
        reopened.listJobs().map((job) => job.id),
        [injected.id],
        'a value stays a value',
      );
      assert.ok(
        messages.some((m) => m.message === 'history change log: line left out' && m.fields?.line === 1),
      );
      assert.ok(
        messages.some(
          (m) =>
            m.message === 'history change log: change left out' &&
            m.fields?.change === 1 &&
            /NOT NULL/.test(String(m.fields?.reason)),
        ),
      );
    });

    it('writes the whole file once as long has passed as fifty whole writes take, or when the fold timer fires', async () => {
      const store = await open({ checkpoint: { wholeFileBytes: 0, spacingFactor: 50 } });
      clock = 0;
      await store.flush(); // whole, measured at 0 ms: the next is due 50 ms after it
      store.upsertJob(minimalJob({ id: 'job-a' }));
      clock = 20;
      await store.flush();
      assert.equal(store.stats().checkpoints, 1, 'appended: only 20 ms have passed');
      assert.ok(timers.delays.includes(30), `a fold timer for the rest: ${timers.delays}`);

      // Nothing else happens: the fold timer brings the log into the file.
      clock = 50;
      timers.fireAll(); // the fold timer asks for a save
      timers.fireAll(); // the save timer runs it
      await store.flush();
      assert.equal(store.stats().checkpoints, 2);
      assert.deepEqual(await jobsInFile(), ['job-a']);
      assert.equal(existsSync(changeLogPath(file)), false);

      store.upsertJob(minimalJob({ id: 'job-b' }));
      clock = 200;
      await store.flush();
      assert.equal(store.stats().checkpoints, 3, 'due on timing: written whole');
    });

    it('folds a log an earlier process left once a whole write is due, with no change meanwhile', async () => {
      const first = await open();
      await first.flush();
      first.upsertJob(minimalJob({ id: 'job-a' }));
      await first.flush();
      // The first store is abandoned, as after a crash; its timers with it.
      timers = new FakeTimers();
      const second = await open({ checkpoint: { wholeFileBytes: 0, spacingFactor: 50 } });
      assert.deepEqual(timers.delays, [50], 'the fold is due 50 times the estimated whole write from now');
      clock = 50;
      timers.fireAll(); // the fold timer asks for a save
      timers.fireAll(); // the save timer runs it
      await second.flush();
      assert.deepEqual(await jobsInFile(), ['job-a']);
      assert.equal(existsSync(changeLogPath(file)), false);
    });

    it('keeps the changes of a failed append for the next save, even when it wrote half a line', async () => {
      let failures = 1;
      const store = await open({
        appendFile: async (target, parts) => {
          const text = Buffer.concat(parts);
          if (failures-- > 0) {
            await appendFile(target, text.subarray(0, 20)); // the disk filled up mid-line
            throw new Error('disk full');
          }
          await appendFile(target, text);
        },
      });
      await store.flush();
      store.upsertJob(minimalJob({ id: 'job-a' }));
      await assert.rejects(store.flush(), /disk full/);
      await store.flush();
      const second = await open();
      assert.equal(second.getJob('job-a')?.id, 'job-a');
    });

    it('ends a line an earlier process cut off before appending after it', async () => {
      const first = await open();
      await first.flush();
      await appendFile(changeLogPath(file), '{"s":"job","r":{"id":"jo');
      const second = await open();
      second.upsertJob(minimalJob({ id: 'job-b' }));
      await second.flush();
      const third = await open();
      assert.deepEqual(
        third.listJobs().map((job) => job.id),
        ['job-b'],
      );
    });
  });
});
