/**
 * The output folder must lie inside the workspace and outside `.appgen/` and `.git/`, from every
 * source (environment, `initialize` settings, batch files), with one message; a batch file's models
 * must name safe folders. Checked against the real daemon.
 */
import { strict as assert } from 'node:assert';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as P from '../../shared/protocol';
import { daemonWorkspace } from '../support/daemon-workspace';
import { expectInvalidParams, invalidParams } from '../support/invalid-params';

const MESSAGE = 'must be a folder inside the workspace, outside .appgen/ and .git/';

describe('output folder and model folder refusals (daemon process)', () => {
  const ws = daemonWorkspace('appgen-output-dir-', { simulator: false });

  for (const [value, reason] of [
    ['.appgen/apps', 'is inside .appgen/, which AppGen cleans at start-up'],
    ['.git/apps', "is inside .git/, Git's own folder"],
    ['.', 'is the workspace itself, which holds .appgen/'],
  ]) {
    it(`stops at start with APPGEN_OUTPUT_DIR=${value}, naming the variable`, async () => {
      const daemon = ws.spawn({ APPGEN_OUTPUT_DIR: value });
      const first = await Promise.race([daemon.exited, daemon.initialize().then(() => 'initialized')]);
      assert.equal(first, 2, daemon.stderr());
      assert.ok(
        daemon.stderr().includes(`APPGEN_OUTPUT_DIR ${MESSAGE}: ${JSON.stringify(value)} ${reason}`),
        daemon.stderr(),
      );
    });
  }

  it('refuses initialize settings that put apps in .appgen, .git or the workspace itself, and keeps the folder it had', async () => {
    const daemon = ws.spawnOffline();
    for (const config of [
      { outputDir: '.appgen/apps' },
      { outputDir: './.git' },
      { APPGEN_OUTPUT_DIR: '' },
      { outputDir: '../elsewhere' },
    ]) {
      await assert.rejects(
        daemon.initialize({ config }),
        invalidParams(new RegExp(`^config\\.\\w+ ${MESSAGE}: `)),
      );
    }
    assert.equal((await daemon.initialize({ config: { outputDir: './out//apps/' } })).outputDir, 'out/apps');
  });

  it('refuses a batch file whose outputDir is inside .appgen, with its line and column', async () => {
    const daemon = ws.spawnOffline();
    await daemon.initialize();
    writeFileSync(
      join(ws.workspace, 'appgen.batch.json'),
      ['{', '  "models": ["sim/alpha"],', '  "templates": "all",', '  "outputDir": ".appgen/apps"', '}'].join(
        '\n',
      ),
    );
    const error = await expectInvalidParams(daemon.connection.sendRequest(P.BatchStartRequest, {}));
    assert.equal(
      error.message,
      `Invalid batch file appgen.batch.json (1 problem):\nappgen.batch.json:4:16: outputDir: ${MESSAGE}: ".appgen/apps" is inside .appgen/, which AppGen cleans at start-up`,
    );
    assert.equal(existsSync(join(ws.workspace, '.appgen', 'apps')), false);
  });

  it('refuses a batch file that lists the model "..", with its line and column, without a model list', async () => {
    const daemon = ws.spawnOffline();
    await daemon.initialize({ apiKey: 'sk-test' });
    writeFileSync(
      join(ws.workspace, 'appgen.batch.json'),
      ['{', '  "models": ["sim/alpha", ".."],', '  "templates": ["crud_todo_list"]', '}'].join('\n'),
    );
    const error = await expectInvalidParams(daemon.connection.sendRequest(P.BatchStartRequest, {}));
    assert.equal(
      error.message,
      'Invalid batch file appgen.batch.json (1 problem):\nappgen.batch.json:2:27: models[1]: model ".." cannot name a folder: its folder name would be "..", which leaves the output folder; give an OpenRouter model id such as "openai/gpt-4o"',
    );
    assert.deepEqual(await daemon.connection.sendRequest(P.HistoryListRequest, {}), []);
    assert.equal(existsSync(join(ws.workspace, 'generated')), false);
  });
});
