import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as P from '../../shared/protocol';
import { type BatchDaemon, batchDaemonsPerTest, reported } from '../support/batch-daemon';
import { expectInvalidParams } from '../support/invalid-params';

describe('batch/start (daemon process)', function () {
  this.timeout(60_000);
  const { simulator, start } = batchDaemonsPerTest();

  /** Asserts that nothing at all was recorded or written for a refused batch. */
  async function assertNothingRecorded(d: BatchDaemon): Promise<void> {
    assert.deepEqual(await d.connection.sendRequest(P.GenerationListRequest, {}), []);
    assert.deepEqual(await d.connection.sendRequest(P.HistoryListRequest, {}), []);
    const status = await d.connection.sendRequest(P.StatusRequest, {});
    assert.deepEqual([status.queued, status.running], [0, 0]);
    assert.equal(existsSync(join(d.workspace, 'generated')), false, 'no app folder');
    assert.equal(simulator().chatRequests.length, 0, 'no model was called');
  }

  it('counts what failed calls were billed in the batch total', async () => {
    const daemon = await start();
    daemon.writeBatch('{"models": ["sim/truncate"], "templates": ["crud_todo_list"]}');
    const { batchId } = await daemon.startBatch();
    const final = await daemon.waitForProgress(reported(batchId));
    assert.equal(final.failed, 1);
    const [job] = await daemon.connection.sendRequest(P.GenerationListRequest, { batchId });
    assert.ok((job?.usage?.costUsd ?? 0) > 0);
    assert.equal(final.costUsd, job?.usage?.costUsd, 'the cut-off answer was paid for');
  });

  it('runs models x templates x repeat jobs, tracks the batch and writes a report with the failures', async () => {
    // A zone away from UTC by hours and minutes: the report's times are UTC all the same.
    const daemon = await start({ TZ: 'Asia/Kolkata' });
    daemon.writeBatch(`{
      // two models, two templates, two apps each
      "models": ["sim/alpha", "sim/fail-always"],
      "templates": ["crud_todo_list", "api_url_shortener"],
      "repeat": 2,
    }`);
    const before = Date.now();
    const { batchId, jobs } = await daemon.startBatch();
    assert.equal(jobs.length, 8);
    assert.ok(jobs.every((job) => job.batchId === batchId && job.status === 'queued'));
    for (const model of ['sim/alpha', 'sim/fail-always']) {
      const own = jobs.filter((job) => job.model === model);
      assert.deepEqual(
        own.map((job) => job.appNum).sort(),
        [1, 2, 3, 4],
        `${model} gets its own app numbers`,
      );
      for (const template of ['crud_todo_list', 'api_url_shortener']) {
        assert.equal(own.filter((job) => job.templateSlug === template).length, 2);
      }
    }
    const listed = await daemon.connection.sendRequest(P.GenerationListRequest, { batchId });
    assert.deepEqual(listed.map((job) => job.id).sort(), jobs.map((job) => job.id).sort());

    const final = await daemon.waitForProgress(reported(batchId));
    assert.deepEqual(
      { ...final, costUsd: 0 },
      {
        batchId,
        total: 8,
        queued: 0,
        running: 0,
        succeeded: 4,
        failed: 4,
        cancelled: 0,
        costUsd: 0,
        finished: true,
        reportPath: `.appgen/reports/${batchId}.md`,
      },
    );
    assert.ok(final.costUsd > 0, 'the simulator prices its answers');
    assert.ok(
      daemon.progress.some((p) => p.batchId === batchId && !p.finished && p.running > 0),
      'progress was announced while jobs ran',
    );
    const status = await daemon.connection.sendRequest(P.BatchStatusRequest, { batchId });
    assert.deepEqual(status, final);
    const unbatched = await daemon.connection.sendRequest(P.GenerationListRequest, { batchId: 'other' });
    assert.deepEqual(unbatched, []);

    const report = readFileSync(join(daemon.workspace, final.reportPath!), 'utf8');
    // Titled by its file and the minute it started, in UTC; the id on a line of its own.
    const started = /^- Started: (\S+)$/m.exec(report)![1]!;
    assert.ok(
      started.endsWith('Z') && Date.parse(started) >= before && Date.parse(started) <= Date.now(),
      started,
    );
    assert.equal(
      report.split('\n')[0],
      `# Batch appgen.batch.json, ${started.slice(0, 10)} ${started.slice(11, 16)} UTC`,
    );
    assert.match(report, new RegExp(`^- Batch: ${batchId}$`, 'm'));
    assert.match(report, /^- File: `appgen\.batch\.json`$/m);
    assert.match(report, /^- Jobs: 8 \(4 succeeded, 4 failed, 0 cancelled\)$/m);
    assert.match(
      report,
      /^\| `sim\/alpha` \| 4 \| 4 \| 0 \| 0 \| 100% \| \$0\.\d{4} \| \d+\.\d s \| \d+ \| \d+ \|$/m,
    );
    assert.match(
      report,
      /^\| `sim\/fail-always` \| 4 \| 0 \| 4 \| 0 \| 0% \| \$\d\.\d{4} \| .+ \| \d+ \| \d+ \|$/m,
    );
    assert.match(report, /^\| model \| api_url_shortener \| crud_todo_list \|$/m);
    assert.match(
      report,
      /^\| `sim\/alpha` \| ✅ succeeded .*<br>✅ succeeded .* \| ✅ succeeded .*<br>✅ succeeded .* \|$/m,
    );
    assert.match(
      report,
      /^\| `sim\/fail-always` \| ❌ failed .*`upstream`.* \| ❌ failed .*`upstream`.* \|$/m,
    );
    const failures = report.split('## Failures')[1]!.trim().split('\n');
    assert.equal(failures.length, 4);
    assert.ok(
      failures.every((line) => /^- `sim\/fail-always` \w+ app\d: `upstream` \(HTTP 500\): /.test(line)),
    );
  });

  it('refuses an invalid file as a whole, listing every problem with line:column, and records nothing', async () => {
    const daemon = await start();
    daemon.writeBatch(
      [
        '{',
        '  "models": ["sim/alpha", "sim/alpha"],',
        '  "templates": "crud_todo_list",',
        '  "repeat": 0,',
        '  "options": {"temperature": 7},',
        '  "outputDir": "../outside"',
        '}',
      ].join('\n'),
    );
    const error = await expectInvalidParams(daemon.startBatch());
    const lines = error.message.split('\n');
    assert.equal(lines[0], 'Invalid batch file appgen.batch.json (5 problems):');
    assert.deepEqual(lines.slice(1), [
      'appgen.batch.json:2:27: models[1]: "sim/alpha" is listed twice (also at models[0])',
      'appgen.batch.json:3:16: templates: must be "all" or a list of template slugs',
      'appgen.batch.json:4:13: repeat: must be >= 1',
      'appgen.batch.json:5:30: options.temperature: must be <= 2',
      'appgen.batch.json:6:16: outputDir: must be a folder inside the workspace, outside .appgen/ and .git/: "../outside" leaves the workspace',
    ]);
    const details = error.data?.details as { file: string; problems: { line: number; column: number }[] };
    assert.equal(details.file, 'appgen.batch.json');
    assert.deepEqual(
      details.problems.map((p) => `${p.line}:${p.column}`),
      ['2:27', '3:16', '4:13', '5:30', '6:16'],
    );
    await assertNothingRecorded(daemon);
  });

  it('refuses a file with a JSON syntax error and records nothing', async () => {
    const daemon = await start();
    daemon.writeBatch('{\n  "models": ["sim/alpha"]\n  "templates": "all"\n}', 'broken.json');
    const error = await expectInvalidParams(daemon.startBatch('broken.json'));
    assert.match(error.message, /^broken\.json:3:3: JSON syntax: comma expected$/m);
    await assertNothingRecorded(daemon);
  });

  it('reports an unknown template with its position and starts none of the known ones', async () => {
    const daemon = await start();
    daemon.writeBatch(
      [
        '{',
        '  "models": ["sim/alpha"],',
        '  "templates": [',
        '    "crud_todo_list",',
        '    "no_such_template"',
        '  ]',
        '}',
      ].join('\n'),
    );
    const error = await expectInvalidParams(daemon.startBatch());
    assert.match(error.message, /\(1 problem\)/);
    assert.match(
      error.message,
      /^appgen\.batch\.json:5:5: templates\[1\]: unknown template "no_such_template"$/m,
    );
    await assertNothingRecorded(daemon);
  });

  it('runs every template for "all"', async () => {
    const daemon = await start({ GENERATION_MAX_CONCURRENT: '8' });
    const templates = await daemon.connection.sendRequest(P.TemplatesListRequest, {});
    assert.ok(templates.length >= 12);
    daemon.writeBatch('{"models": ["sim/alpha"], "templates": "all"}');
    const { batchId, jobs } = await daemon.startBatch();
    assert.deepEqual(jobs.map((job) => job.templateSlug).sort(), templates.map((t) => t.slug).sort());
    const final = await daemon.waitForProgress(reported(batchId), 50_000);
    assert.equal(final.succeeded, templates.length);
  });

  it('runs a batch file given by a path other than the default', async () => {
    const daemon = await start();
    daemon.writeBatch(
      '{"models": ["sim/alpha"], "templates": ["kanban_board"], "outputDir": "out/apps"}',
      'small.jsonc',
    );
    const { batchId, jobs } = await daemon.startBatch(join(daemon.workspace, 'small.jsonc'));
    assert.deepEqual(
      jobs.map((job) => job.appPath),
      ['out/apps/sim_alpha/app1'],
    );
    await daemon.waitForProgress(reported(batchId));
    assert.ok(existsSync(join(daemon.workspace, 'out/apps/sim_alpha/app1/backend/app.py')));
    const report = readFileSync(join(daemon.workspace, '.appgen/reports', `${batchId}.md`), 'utf8');
    assert.match(report, /^- File: `small\.jsonc`$/m);
    assert.match(report, /\(\.\.\/\.\.\/out\/apps\/sim_alpha\/app1\)/);
  });

  it('says clearly when the batch file does not exist', async () => {
    const daemon = await start();
    const error = await expectInvalidParams(daemon.startBatch());
    assert.equal(error.message, 'Cannot read batch file appgen.batch.json: no such file');
    const other = await expectInvalidParams(daemon.startBatch('nested/missing.json'));
    assert.equal(other.message, 'Cannot read batch file nested/missing.json: no such file');
    await assertNothingRecorded(daemon);
  });

  it('refuses a configPath that is not a path, and an unknown batch id', async () => {
    const daemon = await start();
    const error = await expectInvalidParams(
      daemon.connection.sendRequest(P.BatchStartRequest, { configPath: 42 as unknown as string }),
    );
    assert.equal(error.message, 'configPath must be a string, got 42');
    const unknown = await expectInvalidParams(
      daemon.connection.sendRequest(P.BatchStatusRequest, { batchId: 'nope' }),
    );
    assert.equal(unknown.message, 'Unknown batch "nope"');
    await expectInvalidParams(daemon.connection.sendRequest(P.BatchCancelRequest, { batchId: '' }));
  });
});
