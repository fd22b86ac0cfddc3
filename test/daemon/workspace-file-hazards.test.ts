/**
 * Files the workspace or a request names that are not plain files of a sane size and shape: a named
 * pipe, a link to /dev/zero, a huge file, 200,000-deep nesting. The real daemon answers at once,
 * names the file and the reason, and goes on serving everything else.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtinTemplates } from '../../daemon/templates/builtin-templates';
import * as P from '../../shared/protocol';
import { daemonWorkspace } from '../support/daemon-workspace';
import { expectInvalidParams } from '../support/invalid-params';

const DEEP = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;

describe('workspace files that are not plain files (daemon process)', () => {
  const ws = daemonWorkspace('appgen-file-hazards-', { simulator: false });

  it('lists templates promptly with a FIFO, a /dev/zero link, a huge and a deep template beside good ones', async function () {
    this.timeout(15_000);
    const dir = join(ws.workspace, '.appgen', 'templates');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'good_one.json'), '{ "slug": "good_one", "name": "Good" }');
    execFileSync('mkfifo', [join(dir, 'pipe.json')]);
    symlinkSync('/dev/zero', join(dir, 'zero.json'));
    writeFileSync(join(dir, 'huge.json'), '');
    truncateSync(join(dir, 'huge.json'), 4 * 1024 * 1024 * 1024); // sparse
    writeFileSync(join(dir, 'deep.json'), `{ "slug": "deep", "name": "Deep", "x": ${DEEP} }`);

    const daemon = ws.spawnOffline();
    await daemon.initialize();
    // Twice: a broken file must not take later requests down either.
    for (let round = 0; round < 2; round++) {
      const started = Date.now();
      const list = await daemon.connection.sendRequest(P.TemplatesListRequest, {});
      assert.ok(Date.now() - started < 5000, `templates/list took ${Date.now() - started} ms`);
      assert.ok(list.some((t) => t.slug === 'good_one' && t.source === 'workspace'));
      assert.equal(list.length, builtinTemplates.length + 1);
    }
    const skipped = daemon
      .stderr()
      .split('\n')
      .filter((line) => line.includes('template skipped'))
      .map((line) => JSON.parse(line) as { file: string; reason: string });
    const reasons = new Map(skipped.map((s) => [s.file, s.reason]));
    assert.equal(reasons.get('.appgen/templates/pipe.json'), 'is a named pipe (FIFO), not a regular file');
    assert.equal(reasons.get('.appgen/templates/zero.json'), 'is a link to /dev/zero, outside the workspace');
    assert.match(reasons.get('.appgen/templates/huge.json') ?? '', /^is larger than the 1 MB allowed/);
    assert.match(reasons.get('.appgen/templates/deep.json') ?? '', /nested deeper than 64 levels$/);
    // And a generation request still finds its template.
    await expectInvalidParams(
      daemon.connection.sendRequest(P.GenerationStartRequest, { templateSlug: 'deep', model: 'a/b' }),
    ).then((error) => assert.equal(error.message, 'Unknown template "deep"'));
  });

  it('refuses batch files that are a FIFO, a /dev/zero link, huge or deeply nested, at once, naming each', async function () {
    this.timeout(15_000);
    execFileSync('mkfifo', [join(ws.workspace, 'pipe.batch.json')]);
    symlinkSync('/dev/zero', join(ws.workspace, 'zero.batch.json'));
    writeFileSync(join(ws.workspace, 'huge.batch.json'), '');
    truncateSync(join(ws.workspace, 'huge.batch.json'), 2 * 1024 * 1024 * 1024);
    writeFileSync(
      join(ws.workspace, 'deep.batch.json'),
      `{\n  "models": ["a/b"],\n  "templates": "all",\n  "options": ${DEEP}\n}`,
    );
    const daemon = ws.spawnOffline();
    await daemon.initialize();
    const start = async (configPath: string) =>
      (await expectInvalidParams(daemon.connection.sendRequest(P.BatchStartRequest, { configPath }))).message;
    assert.equal(
      await start('pipe.batch.json'),
      'Cannot read batch file pipe.batch.json: it is a named pipe (FIFO), not a regular file',
    );
    assert.equal(
      await start('zero.batch.json'),
      'Cannot read batch file zero.batch.json: it is a device, not a regular file',
    );
    assert.equal(
      await start('huge.batch.json'),
      'Cannot read batch file huge.batch.json: it is larger than the 1 MB allowed (2147483648 bytes)',
    );
    assert.equal(
      await start('deep.batch.json'),
      'Invalid batch file deep.batch.json (1 problem):\ndeep.batch.json:4:77: values are nested deeper than 64 levels',
    );
    // The daemon is still whole.
    assert.deepEqual(await daemon.connection.sendRequest(P.HistoryListRequest, {}), []);
  });

  it('refuses a legacy database that is a FIFO or a /dev/zero link, at once', async function () {
    this.timeout(15_000);
    execFileSync('mkfifo', [join(ws.workspace, 'legacy.db')]);
    symlinkSync('/dev/zero', join(ws.workspace, 'zero.db'));
    const daemon = ws.spawnOffline();
    await daemon.initialize();
    const fifo = await expectInvalidParams(
      daemon.connection.sendRequest(P.HistoryImportLegacyRequest, { dbPath: 'legacy.db' }),
    );
    assert.match(
      fifo.message,
      /^not a legacy AppGen database: .*legacy\.db: the file is a named pipe \(FIFO\), not a regular file$/,
    );
    const zero = await expectInvalidParams(
      daemon.connection.sendRequest(P.HistoryImportLegacyRequest, { dbPath: 'zero.db' }),
    );
    assert.match(zero.message, /zero\.db: the file is a device, not a regular file$/);
    assert.deepEqual(await daemon.connection.sendRequest(P.HistoryListRequest, {}), []);
  });
});
