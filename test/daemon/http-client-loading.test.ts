import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startSimulator } from '../../daemon/simulator/simulator';
import * as P from '../../shared/protocol';
import { DAEMON_JS, type DaemonProcess, spawnDaemon, waitFinished } from '../support/daemon-process';
import { MODEL, TEMPLATE } from '../support/generation-harness';
import { simulatorEnv } from '../support/sim-env';

const DIST = resolve(DAEMON_JS, '..');
const LOAD_REPORTER = resolve(__dirname, '../fixtures/node/report-undici-load.cjs');
const LOADED = '[test] undici-agent.js loaded';

/** How many times the daemon has loaded its HTTP client bundle so far. */
function loads(daemon: DaemonProcess): number {
  return daemon
    .stderr()
    .split('\n')
    .filter((line) => line === LOADED).length;
}

describe('the daemon’s HTTP client (undici)', () => {
  it('is a bundle of its own: the daemon’s bundle holds none of undici, so a start never parses it', () => {
    assert.ok(existsSync(join(DIST, 'undici-agent.js')), 'dist/undici-agent.js is missing: build first');
    const daemon = readFileSync(DAEMON_JS, 'utf8');
    assert.ok(!daemon.includes('node_modules/undici/'), 'undici was inlined into dist/daemon.js');
    // Required, not imported: Node's ES module loader would first scan the megabyte for its exports.
    assert.ok(daemon.includes('require("./undici-agent.js")'), 'dist/daemon.js does not require it');
    assert.ok(!daemon.includes('import("./undici-agent.js")'), 'dist/daemon.js imports it as an ES module');
    assert.match(
      readFileSync(join(DIST, 'undici-agent.js'), 'utf8'),
      /node_modules\/undici\/lib\/dispatcher\/agent\.js/,
    );
  });

  it('is loaded on the first model request only, and once for all of them', async () => {
    const sim = await startSimulator();
    const daemon = spawnDaemon({ env: simulatorEnv(sim), nodeArgs: ['--require', LOAD_REPORTER] });
    try {
      await daemon.initialize();
      await daemon.connection.sendRequest(P.HistoryListRequest, {});
      await daemon.connection.sendRequest(P.StatusRequest, {});
      assert.equal(loads(daemon), 0, 'loaded before any model request');

      for (let run = 0; run < 2; run++) {
        const job = await daemon.connection.sendRequest(P.GenerationStartRequest, {
          templateSlug: TEMPLATE,
          model: MODEL,
        });
        assert.equal((await waitFinished(daemon, job.id)).status, 'succeeded');
      }
      assert.equal(sim.chatRequests.length, 4);
      assert.equal(loads(daemon), 1);
    } finally {
      await daemon.stop();
      await sim.close();
    }
  });
});
