import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TemplateSummary } from '../../shared/protocol';
import { cliEnv, cliWorkspace, historyOf, runCli, spawnCli } from '../support/cli-process';
import { readLock } from '../support/lock-holders';
import { TEST_API_KEY } from '../support/sim-env';
import { sqlJs } from '../support/sql-js';
import { suiteSimulator } from '../support/suite-simulator';

/** Writes a database of the tool AppGen replaces, with its `generated_applications` table. */
async function writeLegacyDatabase(path: string): Promise<void> {
  const SQL = await sqlJs();
  const db = new SQL.Database();
  db.run(`CREATE TABLE generated_applications (
    id INTEGER PRIMARY KEY, model_slug TEXT, app_number INTEGER, template_slug TEXT,
    generation_status TEXT, created_at, updated_at, metadata_json TEXT)`);
  db.run(
    `INSERT INTO generated_applications (model_slug, app_number, template_slug, generation_status, created_at, updated_at)
     VALUES ('openai_gpt-4o', 1, 'crud_todo_list', 'completed', '2025-02-09 10:00:00', '2025-02-09 10:05:00'),
            ('openai_gpt-4o', 2, 'crud_todo_list', 'failed', '2025-02-09T12:00:00+02:00', 1739095500)`,
  );
  writeFileSync(path, db.export());
  db.close();
}

describe('appgen commands (command line process)', function () {
  this.timeout(60_000);
  const simulator = suiteSimulator();

  describe('generate', () => {
    it('generates one app with --template and --model, and numbers the next one', async () => {
      const cwd = cliWorkspace();
      const env = cliEnv(simulator());
      const first = await runCli(['generate', '--template', 'crud_todo_list', '--model', 'sim/alpha'], {
        cwd,
        env,
      });
      assert.equal(first.code, 0, first.stderr);
      assert.match(
        first.stdout,
        /^Generating crud_todo_list with sim\/alpha into generated\/apps\/sim_alpha\/app1 \(job \S+\)$/m,
      );
      assert.match(first.stdout, /^sim\/alpha\s+crud_todo_list\s+app1\s+succeeded/m);
      assert.match(first.stdout, /^Files: \d+ written to generated\/apps\/sim_alpha\/app1$/m);
      assert.ok(existsSync(join(cwd, 'generated/apps/sim_alpha/app1/frontend/src/App.jsx')));
      const second = await runCli(['generate', '-t', 'quiz_app', '-m', 'sim/alpha', '--app', '5'], {
        cwd,
        env,
      });
      assert.equal(second.code, 0, second.stderr);
      assert.match(second.stdout, /into generated\/apps\/sim_alpha\/app5 /);
    });

    it("gives its daemon the key in initialize only: never in the daemon's argv or environment", async function () {
      if (process.platform !== 'linux') this.skip();
      const cwd = cliWorkspace();
      const env = cliEnv(simulator());
      assert.equal(env.OPENROUTER_API_KEY, TEST_API_KEY);
      simulator().pause();
      const run = spawnCli(['generate', '--template', 'quiz_app', '--model', 'sim/alpha'], { cwd, env });
      const [call] = await simulator().waitForRequests(1);
      assert.equal(call?.headers.authorization, `Bearer ${TEST_API_KEY}`, 'the daemon has the key');
      const { pid } = readLock(cwd);
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      const environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
      simulator().resume();
      assert.equal((await run.result).code, 0);
      assert.ok(!argv.includes(TEST_API_KEY), 'not in argv');
      assert.ok(!environ.includes(TEST_API_KEY), 'not in the environment');
    });

    it('exits 1 when the model fails', async () => {
      const cwd = cliWorkspace();
      const result = await runCli(['generate', '--template', 'quiz_app', '--model', 'sim/fail-always'], {
        cwd,
        env: cliEnv(simulator()),
      });
      assert.equal(result.code, 1);
      assert.match(result.stdout, /^sim\/fail-always\s+quiz_app\s+app1\s+failed\s+.*upstream/m);
    });

    it('exits 2 on an unknown template, and without --model, or with a bad --app', async () => {
      const cwd = cliWorkspace();
      const env = cliEnv(simulator());
      const unknown = await runCli(['generate', '--template', 'no_such', '--model', 'sim/alpha'], {
        cwd,
        env,
      });
      assert.equal(unknown.code, 2);
      assert.match(unknown.stderr, /Unknown template "no_such"/);
      const noModel = await runCli(['generate', '--template', 'quiz_app'], { cwd, env });
      assert.equal(noModel.code, 2);
      assert.match(noModel.stderr, /generate needs --template and --model/);
      const badApp = await runCli(['generate', '-t', 'quiz_app', '-m', 'sim/alpha', '--app', '0'], {
        cwd,
        env,
      });
      assert.equal(badApp.code, 2);
      assert.match(badApp.stderr, /--app must be a positive integer, got "0"/);
      assert.equal(simulator().chatRequests.length, 0);
    });
  });

  describe('output to a reader that stops early', () => {
    it('goes on to its own end and exit code, with no stack trace, once the pipe is closed', async () => {
      const cwd = cliWorkspace();
      const env = cliEnv(simulator());
      const cli = spawnCli(['generate', '--template', 'crud_todo_list', '--model', 'sim/alpha'], {
        cwd,
        env,
      });
      // What `appgen generate | head -1` does once it has read its line: everything later is EPIPE.
      cli.child.stdout!.destroy();
      const result = await cli.result;
      assert.equal(result.code, 0, result.stderr);
      assert.doesNotMatch(result.stderr, /EPIPE|Error|\bat /);
      const [job] = await historyOf(cwd, env);
      assert.equal(job?.status, 'succeeded');
    });
  });

  describe('history', () => {
    it('prints the recorded jobs as JSON with --json, newest first, and as a table without', async () => {
      const cwd = cliWorkspace();
      const env = cliEnv(simulator());
      assert.equal((await runCli(['generate', '-t', 'quiz_app', '-m', 'sim/alpha'], { cwd, env })).code, 0);
      assert.equal(
        (await runCli(['generate', '-t', 'kanban_board', '-m', 'sim/fail-always'], { cwd, env })).code,
        1,
      );

      const jobs = await historyOf(cwd, env);
      assert.deepEqual(
        jobs.map((j) => [j.model, j.templateSlug, j.status, j.error?.code]),
        [
          ['sim/fail-always', 'kanban_board', 'failed', 'upstream'],
          ['sim/alpha', 'quiz_app', 'succeeded', undefined],
        ],
      );
      assert.ok(jobs.every((j) => j.createdAt.endsWith('Z') && j.finishedAt?.endsWith('Z')));

      const limited = await runCli(['history', '--json', '--limit', '1'], { cwd, env });
      assert.equal((JSON.parse(limited.stdout) as unknown[]).length, 1);

      const table = await runCli(['history'], { cwd, env });
      assert.equal(table.code, 0);
      const lines = table.stdout.trimEnd().split('\n');
      assert.match(
        lines[0]!,
        /^when\s+model\s+template\s+app\s+status\s+check\s+warnings\s+calls\s+tokens\s+cost\s+error$/,
      );
      assert.match(lines[2]!, /ago\s+sim\/fail-always\s+kanban_board\s+app1\s+failed\s+.*upstream$/);
      // Two calls (backend and frontend), no retry, then tokens and cost.
      assert.match(lines[3]!, /ago\s+sim\/alpha\s+quiz_app\s+app1\s+succeeded\s+2\s+\d+\s+\$\d\.\d{4}$/);
    });

    it('says when nothing is recorded, and needs no API key to read', async () => {
      const cwd = cliWorkspace();
      const result = await runCli(['history'], { cwd, env: cliEnv(undefined) });
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout, 'No generations recorded yet.\n');
    });

    it('imports a legacy database with history import, and skips rows already imported', async () => {
      const cwd = cliWorkspace();
      const env = cliEnv(undefined);
      await writeLegacyDatabase(join(cwd, 'legacy.db'));
      const first = await runCli(['history', 'import', 'legacy.db'], { cwd, env });
      assert.equal(first.code, 0, first.stderr);
      assert.equal(first.stdout, 'Imported 2 generation(s); skipped 0 already imported.\n');
      const again = await runCli(['history', 'import', 'legacy.db'], { cwd, env });
      assert.equal(again.stdout, 'Imported 0 generation(s); skipped 2 already imported.\n');

      const jobs = await historyOf(cwd, env);
      assert.deepEqual(jobs.map((j) => [j.modelSlug, j.appNum, j.status]).sort(), [
        ['openai_gpt-4o', 1, 'succeeded'],
        ['openai_gpt-4o', 2, 'failed'],
      ]);
      const first1 = jobs.find((j) => j.appNum === 1)!;
      assert.equal(first1.createdAt, '2025-02-09T10:00:00.000Z');
    });

    it('exits 2 when the file to import is missing or no file is named', async () => {
      const cwd = cliWorkspace();
      const env = cliEnv(undefined);
      const missing = await runCli(['history', 'import', 'nope.db'], { cwd, env });
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /nope\.db/);
      const none = await runCli(['history', 'import'], { cwd, env });
      assert.equal(none.code, 2);
      assert.match(none.stderr, /history import needs a file/);
    });
  });

  describe('templates', () => {
    it('lists at least twelve built-in templates, as a table or as JSON', async () => {
      const cwd = cliWorkspace();
      const env = cliEnv(undefined);
      const table = await runCli(['templates'], { cwd, env });
      assert.equal(table.code, 0, table.stderr);
      const rows = table.stdout.trimEnd().split('\n').slice(2);
      assert.ok(rows.length >= 12, table.stdout);
      assert.ok(
        rows.some((row) => /^crud_todo_list\s+Todo List\s+\S+\s+builtin$/.test(row)),
        table.stdout,
      );

      const json = await runCli(['templates', '--json'], { cwd, env });
      const list = JSON.parse(json.stdout) as TemplateSummary[];
      assert.equal(list.length, rows.length);
      assert.ok(list.every((t) => t.source === 'builtin' && t.slug && t.name));
    });

    it('names each workspace template file it leaves out, with the reason, on stderr', async () => {
      const cwd = cliWorkspace();
      const env = cliEnv(undefined);
      const folder = join(cwd, '.appgen', 'templates');
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, 'broken.json'), '{"slug": "broken", "name": ');
      writeFileSync(join(folder, 'mismatch.json'), JSON.stringify({ slug: 'other', name: 'Other' }));
      writeFileSync(join(folder, 'good_one.json'), JSON.stringify({ slug: 'good_one', name: 'Good' }));
      for (const args of [['templates'], ['templates', '--json']]) {
        const result = await runCli(args, { cwd, env });
        assert.equal(result.code, 0, result.stderr);
        const skipped = result.stderr.trimEnd().split('\n').sort();
        assert.equal(skipped.length, 2, result.stderr);
        assert.match(skipped[0]!, /^Skipped \.appgen\/templates\/broken\.json: \S.*/);
        assert.match(skipped[1]!, /^Skipped \.appgen\/templates\/mismatch\.json: .*other/);
        assert.match(result.stdout, /good_one/);
        assert.doesNotMatch(result.stdout, /mismatch|broken/);
      }
    });
  });
});
