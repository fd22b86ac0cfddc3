import assert from 'node:assert/strict';
import { EXPORT_COLUMNS } from '../../shared/export-rows';
import { cliEnv, cliWorkspace, runCli } from '../support/cli-process';
import { suiteSimulator } from '../support/suite-simulator';

/** Splits CSV rows; the export quotes only fields with commas, quotes or line ends, none here. */
function csvRows(text: string): string[][] {
  return text
    .trimEnd()
    .split('\r\n')
    .map((line) => line.split(','));
}

describe('appgen export (command line process)', function () {
  this.timeout(60_000);
  const simulator = suiteSimulator();

  it("writes a batch's jobs as CSV with a header naming model first, and as JSON", async () => {
    const cwd = cliWorkspace('{ "models": ["sim/alpha", "sim/fail-always"], "templates": ["quiz_app"] }');
    const env = cliEnv(simulator());
    const run = await runCli(['run'], { cwd, env });
    assert.equal(run.code, 1, 'sim/fail-always fails');
    const batchId = /^Batch (\S+):/m.exec(run.stdout)![1]!;

    const csv = await runCli(['export', '--batch', batchId, '--format', 'csv'], { cwd, env });
    assert.equal(csv.code, 0, csv.stderr);
    const [header, ...rows] = csvRows(csv.stdout);
    assert.deepEqual(header, [...EXPORT_COLUMNS]);
    assert.equal(header![0], 'model');
    const byModel = new Map(
      rows.map((row) => [row[0], Object.fromEntries(header!.map((c, i) => [c, row[i]]))]),
    );
    assert.deepEqual([...byModel.keys()].sort(), ['sim/alpha', 'sim/fail-always']);
    assert.equal(byModel.get('sim/alpha')!.status, 'succeeded');
    assert.equal(byModel.get('sim/fail-always')!.error_code, 'upstream');

    const json = await runCli(['export', '--batch', batchId, '--format', 'json'], { cwd, env });
    assert.equal(json.code, 0, json.stderr);
    const parsed = JSON.parse(json.stdout) as { jobs: { model: string; batch_id: string }[] };
    assert.equal(parsed.jobs.length, 2);
    assert.ok(parsed.jobs.every((row) => row.batch_id === batchId));
  });

  it('refuses a missing or unknown format with exit 2', async () => {
    const cwd = cliWorkspace();
    const result = await runCli(['export', '--format', 'xml'], { cwd, env: cliEnv(undefined) });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--format csv or --format json, got "xml"/);
  });
});
