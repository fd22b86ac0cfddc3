import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RecordedRequest } from '../../daemon/simulator/simulator';
import * as P from '../../shared/protocol';
import { cliEnv, cliWorkspace, historyOf, runCli } from '../support/cli-process';
import { tempWorkspace } from '../support/daemon-process';
import { harnessPerTest, MODEL, TEMPLATE } from '../support/generation-harness';
import { expectInvalidParams } from '../support/invalid-params';
import { suiteSimulator } from '../support/suite-simulator';

interface Message {
  role: string;
  content: string;
}

const GOLDEN = join(__dirname, '..', 'fixtures', 'prompts');

/** A workspace whose `.appgen/prompts/` holds these files. */
function workspaceWithPrompts(
  files: Record<string, string>,
  workspace = tempWorkspace('appgen-prompts-'),
): string {
  const dir = join(workspace, '.appgen', 'prompts');
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return workspace;
}

/** The messages of each chat request the simulator received, in order. */
function sentMessages(requests: RecordedRequest[]): Message[][] {
  return requests.map((request) => (request.body as { messages: Message[] }).messages);
}

/** The hash a job records: each system then user text, each followed by a zero byte. */
function hashOf(calls: Message[][]): string {
  const hash = createHash('sha256');
  for (const messages of calls) {
    for (const role of ['system', 'user']) {
      hash.update(messages.find((m) => m.role === role)?.content ?? '').update('\0');
    }
  }
  return hash.digest('hex');
}

/** The texts `appgen prompts` printed, by their marker (`backend system`, ...). */
function printedPrompts(stdout: string): Map<string, string> {
  const parts = stdout.split(/^===== (.+) =====$/m);
  const texts = new Map<string, string>();
  for (let i = 1; i + 1 < parts.length; i += 2) {
    if (parts[i] !== 'end') texts.set(parts[i] as string, (parts[i + 1] as string).slice(1, -1));
  }
  return texts;
}

const OVERRIDE = [
  '{{!-- a shorter backend prompt --}}',
  'Build {{template.name}} ({{template.slug}}), serving exactly:',
  '{{#each endpoints}}',
  '- {{method}} {{path}}',
  '{{/each}}',
  'Marker 5c1e.',
  '',
].join('\n');

describe('prompt files (real daemon)', function () {
  this.timeout(60_000);
  const openHarness = harnessPerTest();

  it('sends the workspace override in place of the shipped prompt, and records its hash and name', async () => {
    const h = await openHarness({ workspace: workspaceWithPrompts({ 'backend.user.hbs': OVERRIDE }) });
    const job = await h.finished((await h.start({ templateSlug: TEMPLATE, model: MODEL })).id);
    assert.equal(job.status, 'succeeded', JSON.stringify(job.error));

    const calls = sentMessages(h.sim.chatRequests);
    assert.equal(calls.length, 2);
    const [backend, frontend] = calls as [Message[], Message[]];
    assert.equal(
      backend[1]?.content,
      [
        'Build Todo List (crud_todo_list), serving exactly:',
        '- GET /api/todos',
        '- POST /api/todos',
        '- GET /api/todos/<id>',
        '- PATCH /api/todos/<id>',
        '- DELETE /api/todos/<id>',
        '- DELETE /api/todos/completed',
        'Marker 5c1e.',
      ].join('\n'),
    );
    // The files not overridden are the shipped ones, as they were.
    assert.equal(backend[0]?.content, readFileSync(join(GOLDEN, 'system', 'backend.default.txt'), 'utf8'));
    assert.doesNotMatch(frontend[1]?.content ?? '', /Marker 5c1e/);

    assert.equal(job.promptHash, hashOf(calls));
    assert.deepEqual(job.promptOverrides, ['backend.user.hbs']);
    const [recorded] = await h.history({});
    assert.equal(recorded?.promptHash, job.promptHash);
    assert.deepEqual(recorded?.promptOverrides, ['backend.user.hbs']);

    // The same job with the shipped prompts is told apart by its hash.
    const plain = await openHarness();
    const shipped = await plain.finished((await plain.start({ templateSlug: TEMPLATE, model: MODEL })).id);
    assert.equal(shipped.status, 'succeeded');
    assert.equal(shipped.promptHash, hashOf(sentMessages(plain.sim.chatRequests)));
    assert.notEqual(shipped.promptHash, job.promptHash);
    assert.equal(shipped.promptOverrides, undefined);
  });

  it('uses an override saved just after a job, and a template too, in the very next job', async () => {
    const h = await openHarness();
    const first = await h.finished((await h.start({ templateSlug: TEMPLATE, model: MODEL })).id);
    assert.equal(first.promptOverrides, undefined);
    // Saved right after: the next start, at once, must see both.
    workspaceWithPrompts({ 'backend.user.hbs': OVERRIDE }, h.workspace);
    const templates = join(h.workspace, '.appgen', 'templates');
    mkdirSync(templates, { recursive: true });
    writeFileSync(
      join(templates, 'saved_now.json'),
      JSON.stringify({ slug: 'saved_now', name: 'Saved Now' }),
    );
    h.sim.reset();
    const next = await h.finished((await h.start({ templateSlug: 'saved_now', model: MODEL })).id);
    assert.deepEqual(next.promptOverrides, ['backend.user.hbs']);
    assert.match(sentMessages(h.sim.chatRequests)[0]?.[1]?.content ?? '', /^Build Saved Now \(saved_now\)/);
  });

  it('refuses every start while an override does not parse, naming the file and line, and starts nothing', async () => {
    const workspace = workspaceWithPrompts({
      'frontend.user.hbs': 'Write the frontend of {{template.name}}.\n\n{{#each endpoints}}\n- {{path}}\n',
    });
    writeFileSync(
      join(workspace, 'appgen.batch.json'),
      JSON.stringify({ models: [MODEL], templates: [TEMPLATE] }),
    );
    const h = await openHarness({ workspace });

    const single = await expectInvalidParams(h.start({ templateSlug: TEMPLATE, model: MODEL }));
    assert.equal(
      single.message,
      'Prompt file .appgen/prompts/frontend.user.hbs:3: {{#each}} is never closed with {{/each}}',
    );
    const batch = await expectInvalidParams(
      h.daemon.connection.sendRequest(P.BatchStartRequest, { configPath: 'appgen.batch.json' }),
    );
    assert.equal(batch.message, single.message);
    const preview = await expectInvalidParams(
      h.daemon.connection.sendRequest(P.PromptsRenderRequest, { templateSlug: TEMPLATE }),
    );
    assert.equal(preview.message, single.message);

    assert.deepEqual(await h.list(), []);
    assert.deepEqual(await h.history({}), []);
    assert.equal(h.sim.chatRequests.length, 0);
  });

  it('refuses a helper that does not exist and a variable that does not exist, at their line', async () => {
    const h = await openHarness({
      workspace: workspaceWithPrompts({
        'backend.system.hbs': 'You write\nthe {{shout template.name}} backend.',
      }),
    });
    const helper = await expectInvalidParams(h.start({ templateSlug: TEMPLATE, model: MODEL }));
    assert.equal(
      helper.message,
      'Prompt file .appgen/prompts/backend.system.hbs:2:5: unknown helper "shout" (the helpers are json, if, unless, each, with and lookup)',
    );

    const other = await openHarness({
      workspace: workspaceWithPrompts({
        'backend.user.hbs': '# {{template.name}}\n\nLevel: {{template.level}}\n',
      }),
    });
    const variable = await expectInvalidParams(other.start({ templateSlug: TEMPLATE, model: MODEL }));
    assert.match(
      variable.message,
      /^Prompt file \.appgen\/prompts\/backend\.user\.hbs:3:10: "level" is not defined/,
    );
    assert.equal(h.sim.chatRequests.length + other.sim.chatRequests.length, 0);
    assert.deepEqual(await other.list(), []);
  });

  it('does not read an override through a link', async () => {
    const workspace = workspaceWithPrompts({});
    writeFileSync(join(workspace, 'elsewhere.hbs'), 'Marker from outside the prompts folder.');
    symlinkSync(join(workspace, 'elsewhere.hbs'), join(workspace, '.appgen', 'prompts', 'backend.user.hbs'));
    const h = await openHarness({ workspace });
    const refused = await expectInvalidParams(h.start({ templateSlug: TEMPLATE, model: MODEL }));
    assert.equal(
      refused.message,
      'Prompt file .appgen/prompts/backend.user.hbs: is a link; prompt overrides are read as regular files only',
    );
    assert.equal(h.sim.chatRequests.length, 0);
  });
});

describe('appgen prompts (command line process)', function () {
  this.timeout(60_000);
  const simulator = suiteSimulator();

  it('prints exactly the prompts the model then receives, with the hash the job records', async () => {
    const cwd = workspaceWithPrompts(
      {
        'frontend.system.hbs':
          'You are a careful React engineer; the frontend listens on {{ports.frontend}}.\n',
      },
      cliWorkspace(),
    );
    const env = cliEnv(simulator());
    const printed = await runCli(['prompts', '--template', TEMPLATE], { cwd, env });
    assert.equal(printed.code, 0, printed.stderr);
    const texts = printedPrompts(printed.stdout);
    assert.deepEqual(
      [...texts.keys()],
      ['backend system', 'backend user', 'frontend system', 'frontend user'],
    );
    const hash = /^Prompt hash: ([0-9a-f]{64})$/m.exec(printed.stdout)?.[1];
    assert.match(printed.stdout, /^Overridden prompt files: frontend\.system\.hbs$/m);

    const generated = await runCli(['generate', '--template', TEMPLATE, '--model', MODEL], { cwd, env });
    assert.equal(generated.code, 0, generated.stderr);
    const calls = sentMessages(simulator().chatRequests);
    assert.deepEqual(
      calls.map((messages) => messages.map((m) => m.content)),
      [
        [texts.get('backend system'), texts.get('backend user')],
        [texts.get('frontend system'), texts.get('frontend user')],
      ],
    );
    const [job] = await historyOf(cwd, env);
    assert.equal(job?.promptHash, hash);
    assert.deepEqual(job?.promptOverrides, ['frontend.system.hbs']);

    const backendOnly = await runCli(
      ['prompts', '--template', TEMPLATE, '--component', 'backend', '--json'],
      {
        cwd,
        env,
      },
    );
    const result = JSON.parse(backendOnly.stdout) as P.PromptsRenderResult;
    assert.deepEqual(result.prompts, [
      { component: 'backend', system: texts.get('backend system'), user: texts.get('backend user') },
    ]);
    assert.equal(result.hash, hashOf(calls.slice(0, 1)));
    assert.deepEqual(result.overridden, []);
  });

  it('exits 2 naming the file and line of a broken override, and an unknown template', async () => {
    const cwd = workspaceWithPrompts(
      { 'backend.user.hbs': 'ok\n{{#if template.name}}\nno end\n' },
      cliWorkspace(),
    );
    const env = cliEnv(simulator());
    const broken = await runCli(['prompts', '--template', TEMPLATE], { cwd, env });
    assert.equal(broken.code, 2);
    assert.match(
      broken.stderr,
      /^Prompt file \.appgen\/prompts\/backend\.user\.hbs:2: \{\{#if\}\} is never closed/m,
    );
    const unknown = await runCli(['prompts', '--template', 'no_such'], { cwd: cliWorkspace(), env });
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /Unknown template "no_such"/);
  });

  it('names the fields of a template that no prompt prints, in appgen templates and templates/list', async () => {
    const cwd = cliWorkspace();
    mkdirSync(join(cwd, '.appgen', 'templates'), { recursive: true });
    const legacy = join(__dirname, '..', 'fixtures', 'templates', 'legacy', 'auth_signup_login.json');
    writeFileSync(join(cwd, '.appgen', 'templates', 'auth_signup_login.json'), readFileSync(legacy));
    const env = cliEnv(simulator());
    const listed = await runCli(['templates'], { cwd, env });
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(
      listed.stdout,
      /^Note: auth_signup_login has fields no prompt prints: difficulty, api_endpoints\[\]\.auth_required$/m,
    );
    const json = JSON.parse(
      (await runCli(['templates', '--json'], { cwd, env })).stdout,
    ) as P.TemplateSummary[];
    assert.deepEqual(json.find((t) => t.slug === 'auth_signup_login')?.unusedFields, [
      'difficulty',
      'api_endpoints[].auth_required',
    ]);
    assert.equal(json.find((t) => t.slug === TEMPLATE)?.unusedFields, undefined);
  });
});
