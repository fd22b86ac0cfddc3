import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { simulatedReply } from '../../daemon/simulator/simulated-reply';
import type { Job } from '../../shared/job';
import { HistoryListRequest } from '../../shared/protocol';
import { tempWorkspace } from '../support/daemon-process';
import { type GenerationHarness, harnessPerTest, MODEL, TEMPLATE } from '../support/generation-harness';
import { TEST_API_KEY } from '../support/sim-env';
import { filesContaining, listFiles, readText } from '../support/workspace-files';

async function runOne(h: GenerationHarness, model: string, appNum?: number): Promise<Job> {
  const job = await h.start({ templateSlug: TEMPLATE, model, ...(appNum ? { appNum } : {}) });
  return h.finished(job.id);
}

describe('generation failures', () => {
  const openHarness = harnessPerTest();

  it('fails with upstream after 1 + OPENROUTER_MAX_RETRIES attempts when the server keeps failing', async () => {
    const h = await openHarness({ env: { OPENROUTER_MAX_RETRIES: '2' } });
    const job = await runOne(h, 'sim/fail-always');
    assert.equal(job.status, 'failed');
    assert.equal(job.error?.code, 'upstream');
    assert.equal(job.error?.status, 500);
    assert.equal(job.attempts, 3);
    assert.equal(h.sim.chatRequests.length, 3, 'the frontend is never asked for');
    assert.ok(
      h.changesOf(job.id).some((change) => change.phase === 'retry-wait' && /Z$/.test(change.retryAt ?? '')),
      'the backoff was announced',
    );
    assert.equal(existsSync(join(h.workspace, job.appPath)), false);
  });

  it('counts retries apart from calls: two calls, each retried once, are four attempts and two retries', async () => {
    const h = await openHarness({ env: { OPENROUTER_MAX_RETRIES: '2' } });
    const job = await runOne(h, 'sim/flaky');
    assert.equal(job.status, 'succeeded');
    assert.equal(job.attempts, 4);
    assert.equal(job.retries, 2);
    const [listed] = await h.daemon.connection.sendRequest(HistoryListRequest, { limit: 1 });
    assert.equal(listed?.retries, 2, 'the history keeps the count');
    const first = await runOne(h, MODEL);
    assert.equal(first.retries, 0, 'a job without retries says so');
  });

  it('fails with unauthorized after one attempt when the key is refused, and never shows the key', async () => {
    const h = await openHarness({ simOptions: { apiKey: 'sk-or-v1-the-only-key-the-server-accepts' } });
    // A server that echoes the credentials it got in its error message.
    h.sim.enqueueFaults([{ kind: 'http401', echoAuthorization: true }]);
    const job = await runOne(h, MODEL);
    assert.equal(job.status, 'failed');
    assert.equal(job.error?.code, 'unauthorized');
    assert.equal(job.error?.status, 401);
    assert.equal(job.attempts, 1);
    assert.equal(h.sim.chatRequests.length, 1);
    assert.ok(!JSON.stringify(await h.get(job.id)).includes(TEST_API_KEY), 'not in the job');
    await h.close();
    assert.deepEqual(filesContaining(h.workspace, TEST_API_KEY), [], 'not in the workspace');
    assert.ok(!h.daemon.stderr().includes(TEST_API_KEY), 'not in the log');
  });

  it('fails a cut-off answer with truncated, commits nothing and keeps the raw response', async () => {
    const h = await openHarness();
    const job = await runOne(h, 'sim/truncate');
    assert.equal(job.status, 'failed');
    assert.equal(job.error?.code, 'truncated');
    assert.equal(job.attempts, 1, 'a cut-off answer is not retried');
    assert.equal(existsSync(join(h.workspace, job.appPath)), false);
    const artifacts = join(h.workspace, job.artifactsPath ?? '');
    const raw = readText(artifacts, `${job.id}.backend.response.txt`);
    assert.match(raw, /"finish_reason":"length"/);
    assert.ok(existsSync(join(artifacts, `${job.id}.backend.request.json`)));
    assert.match(readText(artifacts, `${job.id}.backend.meta.json`), /truncated/);
  });

  it('a cut-off answer was billed: the failed job carries its usage and cost, in history and artifacts too', async () => {
    const h = await openHarness();
    const job = await runOne(h, 'sim/truncate');
    assert.equal(job.error?.code, 'truncated');
    assert.ok((job.usage?.completionTokens ?? 0) > 0, 'the tokens of the cut-off answer');
    assert.ok((job.usage?.costUsd ?? 0) > 0, 'and what they cost');
    assert.equal(job.generationIds?.length, 1, 'under the generation id it was billed');
    const [listed] = await h.daemon.connection.sendRequest(HistoryListRequest, { limit: 1 });
    assert.deepEqual(listed?.usage, job.usage, 'the history keeps it');
    const meta = JSON.parse(
      readText(join(h.workspace, job.artifactsPath ?? ''), `${job.id}.backend.meta.json`),
    );
    assert.deepEqual(meta.usage, job.usage);
  });

  it('a frontend failing mid-answer adds what it was billed to the backend usage of the failed job', async () => {
    const h = await openHarness();
    const reference = await runOne(h, MODEL);
    h.sim.enqueueFaults(['ok', 'stream-error-after-content']);
    const job = await runOne(h, MODEL);
    assert.equal(job.status, 'failed');
    assert.equal(job.error?.code, 'upstream');
    // Both calls were billed: two prompts, and completion tokens from both answers.
    assert.equal(job.generationIds?.length, 2, 'both calls are named');
    assert.equal(job.usage?.promptTokens, reference.usage?.promptTokens, 'the same two prompts were sent');
    assert.ok((job.usage?.completionTokens ?? 0) < (reference.usage?.completionTokens ?? 0));
    assert.ok((job.usage?.completionTokens ?? 0) > 0);
    assert.ok((job.usage?.costUsd ?? 0) > 0);
  });

  it('fails an answer with an unclosed code fence with truncated', async () => {
    const h = await openHarness();
    h.sim.setModelBehavior(MODEL, {
      content: (messages, model) => simulatedReply(messages, model).replace(/```\s*$/, ''),
    });
    const job = await runOne(h, MODEL);
    assert.equal(job.status, 'failed');
    assert.equal(job.error?.code, 'truncated');
    assert.equal(existsSync(join(h.workspace, job.appPath)), false);
  });

  it('fails an answer without code with no_code', async () => {
    const h = await openHarness();
    const job = await runOne(h, 'sim/no-code');
    assert.equal(job.status, 'failed');
    assert.equal(job.error?.code, 'no_code');
    assert.equal(existsSync(join(h.workspace, job.appPath)), false);
  });

  it('fails an answer naming a path outside the app with unsafe_path and writes nothing', async () => {
    const h = await openHarness();
    const job = await runOne(h, 'sim/unsafe-path');
    assert.equal(job.status, 'failed');
    assert.equal(job.error?.code, 'unsafe_path');
    assert.match(job.error?.message ?? '', /\.\.\/\.\.\/outside\.py/);
    assert.equal(existsSync(join(h.workspace, job.appPath)), false);
    assert.equal(
      listFiles(h.workspace).filter((file) => file.endsWith('outside.py')).length,
      0,
      'the file is nowhere in the workspace',
    );
    assert.equal(existsSync(join(h.workspace, '..', 'outside.py')), false);
  });

  it('fails with unsafe_path when a file would be written through a symlink leaving the app', async () => {
    const workspace = tempWorkspace();
    const outside = tempWorkspace('appgen-outside-');
    const app = join(workspace, 'generated/apps/sim_alpha/app1');
    mkdirSync(join(app, 'backend'), { recursive: true });
    symlinkSync(outside, join(app, 'backend', 'escape'), 'dir');
    const h = await openHarness({ workspace });
    h.sim.setModelBehavior(MODEL, {
      content:
        '```python escape/evil.py\nprint("outside")\n```\n```jsx src/App.jsx\nexport default function App() { return null; }\n```\n',
    });
    const job = await runOne(h, MODEL, 1);
    assert.equal(job.status, 'failed');
    assert.equal(job.error?.code, 'unsafe_path');
    assert.deepEqual(readdirSync(outside), [], 'nothing written through the link');
    assert.deepEqual(readdirSync(join(app, 'backend')), ['escape'], 'the app is as it was');
  });

  it('retries a failed job as a new job for the same app', async () => {
    const h = await openHarness();
    h.sim.enqueueFaults(['http401']);
    const failed = await runOne(h, MODEL);
    assert.equal(failed.status, 'failed');

    const retry = await h.retry(failed.id);
    assert.notEqual(retry.id, failed.id);
    assert.equal(retry.status, 'queued');
    assert.equal(retry.appNum, failed.appNum);
    assert.equal(retry.appPath, failed.appPath);
    assert.equal(retry.model, failed.model);
    assert.equal(retry.templateSlug, failed.templateSlug);
    assert.equal(retry.retryOf, failed.id);
    assert.equal(retry.attempts, 0);
    assert.equal(retry.error, undefined);

    const done = await h.finished(retry.id);
    assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
    assert.ok(existsSync(join(h.workspace, done.appPath, 'backend', 'app.py')));
    assert.equal((await h.get(failed.id)).status, 'failed', 'the old job keeps its outcome');
    assert.deepEqual(
      (await h.list()).map((job) => job.id),
      [retry.id, failed.id],
    );
  });
});
