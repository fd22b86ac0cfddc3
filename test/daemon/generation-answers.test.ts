/**
 * Model answers of the corpus (test/fixtures/answers) through the real daemon and its simulator:
 * the files each layout names are what lands in the app folder, and an app that imports what it
 * does not have succeeds with warnings that the job, its history entry and a restarted daemon keep.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { detectComponent, type PromptMessage } from '../../daemon/simulator/simulated-reply';
import { type Simulator, startSimulator } from '../../daemon/simulator/simulator';
import type { Job } from '../../shared/job';
import { answerCase, sha256 } from '../support/answer-corpus';
import { harnessPerTest, TEMPLATE } from '../support/generation-harness';
import { listFiles, readText } from '../support/workspace-files';

/** Answers a prompt with one corpus answer per component. */
function answers(backend: string, frontend: string): (messages: PromptMessage[]) => string {
  return (messages) => (detectComponent(messages) === 'frontend' ? frontend : backend);
}

// Each scripted model answers with one backend and one frontend case of the corpus.
const PAIRS: { model: string; backend: string; frontend: string }[] = [
  { model: 'sim/headings', backend: 'backend-headings', frontend: 'frontend-headings' },
  { model: 'sim/mixed', backend: 'backend-mixed', frontend: 'frontend-mixed' },
  { model: 'sim/crlf-think', backend: 'backend-crlf-tilde', frontend: 'frontend-think-crlf-tilde' },
  { model: 'sim/lists-refusals', backend: 'backend-list-items', frontend: 'frontend-refusals' },
];

// The frontend of an app that forgot a component and wrote a package.json with a trailing comma.
const FORGETFUL_FRONTEND = [
  '### src/App.jsx',
  '',
  '```jsx',
  "import dayjs from 'dayjs';",
  "import TaskList from './components/TaskList';",
  '',
  'export default function App() {',
  '  return <TaskList today={dayjs().format()} />;',
  '}',
  '```',
  '',
  '### package.json',
  '',
  '```json',
  '{ "name": "tasks", "dependencies": { "react": "^18.3.1", "react-dom": "^18.3.1", } }',
  '```',
  '',
].join('\n');

describe('generation of the answer corpus through the daemon', () => {
  let sim: Simulator;
  const openHarness = harnessPerTest();

  before(async () => {
    sim = await startSimulator();
  });

  after(async () => {
    await sim.close();
  });

  afterEach(() => sim.reset());

  it('writes every file each answer names, however it names it, and nothing it only mentions', async () => {
    for (const pair of PAIRS) {
      sim.setModelBehavior(pair.model, {
        content: answers(answerCase(pair.backend).answer, answerCase(pair.frontend).answer),
      });
    }
    const h = await openHarness({ sim });
    const started = await Promise.all(
      PAIRS.map((pair) => h.start({ templateSlug: TEMPLATE, model: pair.model })),
    );
    const finished = await Promise.all(started.map((job) => h.finished(job.id)));

    for (const [index, pair] of PAIRS.entries()) {
      const job = finished[index]!;
      assert.equal(job.status, 'succeeded', `${pair.model}: ${JSON.stringify(job.error)}`);
      assert.equal(job.warnings, undefined, `${pair.model}: ${JSON.stringify(job.warnings, null, 2)}`);
      const app = join(h.workspace, job.appPath);
      for (const name of [pair.backend, pair.frontend]) {
        for (const file of answerCase(name).files!) {
          assert.ok(job.files?.includes(file.path), `${name}: ${file.path} in the job's files`);
          assert.equal(
            sha256(readText(app, file.path)),
            file.sha256,
            `${name}: ${file.path} as in the answer`,
          );
        }
      }
    }
    // Paths that prose only mentioned were never written.
    const refusals = join(h.workspace, finished[3]!.appPath);
    assert.ok(!listFiles(refusals).some((path) => path.includes('Counter')));
    assert.notEqual(readText(refusals, 'frontend/vite.config.js'), 'export default {};\n');
    const mixed = join(h.workspace, finished[1]!.appPath);
    assert.ok(
      !existsSync(join(mixed, 'backend/wrong_name.py')) && !existsSync(join(mixed, 'backend/not_this.py')),
    );
  });

  it('ends an app that imports what it lacks succeeded, with warnings that get, history/list and a restart keep', async () => {
    const model = 'sim/forgetful';
    sim.setModelBehavior(model, {
      content: answers(answerCase('backend-missing-modules').answer, FORGETFUL_FRONTEND),
    });
    const h = await openHarness({ sim });
    const started = await h.start({ templateSlug: TEMPLATE, model });
    const job = await h.finished(started.id);

    assert.equal(job.status, 'succeeded', JSON.stringify(job.error));
    const brief = (warnings: Job['warnings']) => warnings?.map((w) => `${w.code} ${w.file}:${w.line}`);
    assert.deepEqual(brief(job.warnings), [
      'unresolved_import backend/app.py:4',
      'unresolved_import backend/app.py:5',
      'undeclared_dependency frontend/package.json:undefined',
      'unresolved_import frontend/src/App.jsx:2',
    ]);
    assert.match(job.warnings![0]!.message, /"models"/);
    assert.match(job.warnings![1]!.message, /"services\.task_service"/);
    assert.match(job.warnings![2]!.message, /not valid JSON.*dayjs, react, react-dom/);
    assert.match(job.warnings![3]!.message, /"\.\/components\/TaskList"/);
    // The app is written as the model gave it: the warnings name what is missing, nothing is made up.
    const app = join(h.workspace, job.appPath);
    assert.ok(existsSync(join(app, 'backend/app.py')) && !existsSync(join(app, 'backend/models.py')));
    assert.doesNotMatch(readText(app, 'backend/requirements.txt'), /models|services/);

    assert.deepEqual((await h.get(job.id)).warnings, job.warnings);
    assert.deepEqual((await h.history()).find((entry) => entry.id === job.id)?.warnings, job.warnings);

    await h.close();
    const reopened = await openHarness({ sim, workspace: h.workspace });
    assert.deepEqual((await reopened.history()).find((entry) => entry.id === job.id)?.warnings, job.warnings);
    assert.deepEqual((await reopened.get(job.id)).warnings, job.warnings);
  });

  it('leaves warnings off a job whose app is whole', async () => {
    const model = 'sim/whole';
    sim.setModelBehavior(model, {
      content: answers(answerCase('backend-sentences').answer, answerCase('frontend-headings').answer),
    });
    const h = await openHarness({ sim });
    const job = await h.finished((await h.start({ templateSlug: TEMPLATE, model })).id);
    assert.equal(job.status, 'succeeded', JSON.stringify(job.error));
    assert.equal('warnings' in job, false);
    assert.equal('warnings' in (await h.history())[0]!, false);
  });
});
