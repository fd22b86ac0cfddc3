/**
 * A job whose app was committed is never run again: the real bundled daemon is killed with SIGKILL
 * after a job's app went in but before its success reached the history file, then started again.
 * The new daemon must find the commit and record the job succeeded without calling the model.
 */
import { strict as assert } from 'node:assert';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { detectComponent } from '../../daemon/simulator/simulated-reply';
import { isFinished, type Job } from '../../shared/job';
import * as P from '../../shared/protocol';
import { assertAppFromOneTemplate, TEMPLATE_RESOURCES } from '../support/app-integrity';
import { type DaemonProcess, waitFinished } from '../support/daemon-process';
import { daemonWorkspace } from '../support/daemon-workspace';
import { MODEL } from '../support/generation-harness';
import { readHistoryFile } from '../support/history-file';
import { entriesOrEmpty } from '../support/workspace-files';

describe('durability: a job committed just before a SIGKILL', () => {
  const ws = daemonWorkspace('appgen-commit-');

  const startDaemon = async (env: Record<string, string> = {}): Promise<DaemonProcess> => {
    const daemon = ws.spawn(env);
    await daemon.initialize();
    return daemon;
  };

  const startJob = (daemon: DaemonProcess, templateSlug: string): Promise<Job> =>
    daemon.connection.sendRequest(P.GenerationStartRequest, { templateSlug, model: MODEL });

  /** The chat requests made for one template's job (its prompt names the template's API). */
  const requestsFor = (templateSlug: string) =>
    ws.sim.chatRequests.filter((request) =>
      JSON.stringify(request.body).includes(TEMPLATE_RESOURCES[templateSlug]!),
    );

  it('records the committed job succeeded on the next start without calling the model again', async () => {
    const first = await startDaemon({ GENERATION_MAX_CONCURRENT: '2' });
    ws.sim.pause();
    const a = await startJob(first, 'crud_todo_list');
    await ws.sim.waitForRequests(1);
    // This start saves the history: the finish of the jobs, coming right after, waits for the least
    // spacing between two saves, which is when the kill comes.
    const b = await startJob(first, 'markdown_notes');
    await ws.sim.waitForRequests(2);
    ws.sim.resume();
    const committed = await first.waitForJob((job) => job.status === 'succeeded');
    first.child.kill('SIGKILL');
    assert.equal(await first.exited, 'SIGKILL');

    const onDisk = await readHistoryFile(ws.workspace);
    const unrecorded = [a, b].filter(
      (job) => existsSync(join(ws.workspace, job.appPath)) && onDisk.jobs.get(job.id) !== 'succeeded',
    );
    assert.ok(
      unrecorded.some((job) => job.id === committed.id),
      `the kill came after ${committed.id} was committed and before its success was saved`,
    );
    const callsBefore = new Map(unrecorded.map((job) => [job.id, requestsFor(job.templateSlug).length]));

    const second = await startDaemon();
    for (const job of [a, b]) {
      const listed = await second.connection.sendRequest(P.GenerationGetRequest, { jobId: job.id });
      if (!isFinished(listed.status)) await waitFinished(second, job.id, 8000);
    }
    const history = await second.connection.sendRequest(P.HistoryListRequest, {});
    for (const job of history) assert.equal(job.status, 'succeeded', JSON.stringify(job.error));
    for (const job of unrecorded) {
      assert.equal(
        requestsFor(job.templateSlug).length,
        callsBefore.get(job.id),
        `no model call for ${job.templateSlug} after the restart: its app was already committed`,
      );
      const entry = history.find((h) => h.id === job.id)!;
      assert.ok(entry.files?.includes('backend/app.py'), `files of ${job.id}: ${entry.files}`);
      assert.ok(entry.files?.includes('frontend/src/App.jsx'));
      assert.equal(entry.generationIds?.length, 2, 'the generation ids of its two calls');
      assert.ok((entry.usage?.completionTokens ?? 0) > 0, 'its usage');
      assert.equal(entry.previousVersionPath, undefined);
    }
    assert.deepEqual(entriesOrEmpty(join(ws.workspace, '.appgen', 'versions')), [], 'no app was made twice');
    assertAppFromOneTemplate(ws.workspace, a.appPath, 'crud_todo_list');
    assertAppFromOneTemplate(ws.workspace, b.appPath, 'markdown_notes');
  });

  for (const meta of ['kept whole', 'left empty by the kill']) {
    it(`resumes a job killed while its frontend call was out from its kept backend answer (metadata ${meta}), without paying for it again`, async () => {
      const first = await startDaemon({ GENERATION_MAX_CONCURRENT: '1' });
      // The backend answer arrives whole; the frontend call is held when the daemon dies.
      ws.sim.once('finished', () => ws.sim.pause());
      const job = await startJob(first, 'crud_todo_list');
      await ws.sim.waitForRequests(2);
      first.child.kill('SIGKILL');
      assert.equal(await first.exited, 'SIGKILL');
      const [backend, held] = ws.sim.chatRequests;
      assert.equal(backend?.outcome, 'completed');
      assert.equal(detectComponent(promptOf(held)), 'frontend');
      if (meta !== 'kept whole') {
        // As a kill while the metadata, written after the answer, was being written leaves it.
        const folder = join(ws.workspace, '.appgen', 'artifacts', job.modelSlug, `app${job.appNum}`);
        writeFileSync(join(folder, `${job.id}.backend.meta.json`), '');
      }

      ws.sim.resume();
      const second = await startDaemon();
      const done = await waitFinished(second, job.id, 8000);
      assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
      const calls = ws.sim.chatRequests;
      assert.equal(calls.length, 3, 'one call after the restart');
      assert.equal(
        detectComponent(promptOf(calls[2])),
        'frontend',
        'the backend answer was not bought again',
      );
      assert.deepEqual(done.generationIds, [backend!.generationId, calls[2]!.generationId]);
      assertAppFromOneTemplate(ws.workspace, job.appPath, 'crud_todo_list');
    });
  }
});

function promptOf(request: { body: unknown } | undefined): Array<{ role: string; content: string }> {
  const body = request?.body as { messages?: Array<{ role: string; content: string }> } | undefined;
  return body?.messages ?? [];
}
