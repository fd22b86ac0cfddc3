import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as P from '../../shared/protocol';
import { harnessPerTest, TEMPLATE } from '../support/generation-harness';
import { historyFile } from '../support/history-file';
import { TEST_API_KEY } from '../support/sim-env';
import { sqlJs } from '../support/sql-js';
import { filesContaining, listFiles } from '../support/workspace-files';

const PLACEHOLDER = '[redacted]';

/** Every text column of every row of the history file, as one string. */
async function historyText(workspace: string): Promise<string> {
  const SQL = await sqlJs();
  const db = new SQL.Database(readFileSync(historyFile(workspace)));
  try {
    const tables = db.exec("SELECT name FROM sqlite_master WHERE type = 'table'")[0]?.values ?? [];
    return tables.map(([name]) => JSON.stringify(db.exec(`SELECT * FROM "${String(name)}"`))).join('\n');
  } finally {
    db.close();
  }
}

describe('a server that echoes the key', () => {
  const openHarness = harnessPerTest();

  it('puts it in no job, history row, notification, log, artifact or generated file', async () => {
    const h = await openHarness();
    const echo = { echoAuthorization: true } as const;
    // Succeeds after a retry whose error echoes the key; the answer, its generation id (header and
    // body), provider and model all echo it too.
    h.sim.setModelBehavior('acme/echo', {
      faults: [{ kind: 'http503', ...echo }],
      afterFaults: { kind: 'ok', ...echo },
    });
    // The same as a JSON body.
    h.sim.setModelBehavior('acme/echo-json', { afterFaults: { kind: 'ok', format: 'json', ...echo } });
    // Fails for good with an error message that echoes it.
    h.sim.setModelBehavior('acme/echo-fail', { afterFaults: { kind: 'http400', ...echo } });
    const jobs = await Promise.all(
      ['acme/echo', 'acme/echo-json', 'acme/echo-fail'].map((model) =>
        h.start({ templateSlug: TEMPLATE, model }),
      ),
    );
    const [ok, okJson, failed] = await Promise.all(jobs.map((job) => h.finished(job.id)));
    assert.equal(ok?.status, 'succeeded', JSON.stringify(ok?.error));
    assert.equal(okJson?.status, 'succeeded', JSON.stringify(okJson?.error));
    assert.equal(failed?.status, 'failed');
    assert.equal(failed?.error?.code, 'bad_request');

    // The echoes arrived and were replaced where they entered, so they can be seen as such.
    assert.ok(
      h.sim.chatRequests.every((request) => request.headers.authorization === `Bearer ${TEST_API_KEY}`),
    );
    assert.ok(
      ok?.generationIds?.every((id) => id.includes(PLACEHOLDER)),
      JSON.stringify(ok?.generationIds),
    );
    assert.ok(ok?.provider?.includes(PLACEHOLDER), ok?.provider);
    assert.ok(okJson?.provider?.includes(PLACEHOLDER), okJson?.provider);
    assert.ok(failed?.error?.message.includes(PLACEHOLDER), failed?.error?.message);
    const echoFile = join(h.workspace, ok!.appPath, 'backend', 'ECHO.txt');
    assert.match(readFileSync(echoFile, 'utf8'), /served \(received Bearer \[redacted\]\)/);

    const listed = await h.history();
    const status = await h.status();
    const replies = JSON.stringify([listed, status, await h.list()]);
    assert.ok(!replies.includes(TEST_API_KEY), 'a reply holds the key');
    const models = await h.daemon.connection.sendRequest(P.ModelsListRequest, {});
    assert.ok(!JSON.stringify(models).includes(TEST_API_KEY), 'the model list holds the key');
    await h.close();

    assert.ok(!JSON.stringify(h.daemon.changes).includes(TEST_API_KEY), 'a notification holds the key');
    assert.ok(!h.daemon.stdout().includes(TEST_API_KEY), 'the protocol stream holds the key');
    assert.ok(!h.daemon.stderr().includes(TEST_API_KEY), 'the log holds the key');
    assert.ok(!(await historyText(h.workspace)).includes(TEST_API_KEY), 'a history row holds the key');
    assert.ok(listFiles(h.workspace).some((file) => file.startsWith('.appgen/artifacts/')));
    assert.deepEqual(filesContaining(h.workspace, TEST_API_KEY), [], 'a workspace file holds the key');
  });
});
