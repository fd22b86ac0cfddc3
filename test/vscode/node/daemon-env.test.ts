import * as assert from 'node:assert/strict';
import { daemonEnv } from '../../../extension/daemon-env';

describe('daemonEnv', () => {
  it('maps each setting to the environment variable of the same meaning, and never the key', () => {
    const env = daemonEnv(
      { PATH: '/usr/bin' },
      {
        apiKey: 'sk-1',
        config: {
          baseUrl: 'http://127.0.0.1:1/api/v1',
          useQueue: false,
          maxConcurrent: 2,
          outputDir: 'out/apps',
        },
      },
    );
    assert.deepEqual(env, {
      PATH: '/usr/bin',
      OPENROUTER_BASE_URL: 'http://127.0.0.1:1/api/v1',
      GENERATION_USE_QUEUE: 'false',
      GENERATION_MAX_CONCURRENT: '2',
      APPGEN_OUTPUT_DIR: 'out/apps',
      ELECTRON_RUN_AS_NODE: '1',
    });
    assert.ok(!JSON.stringify(env).includes('sk-1'));
  });

  it('drops a key inherited from the editor, so a cleared key stays cleared', () => {
    const inherited = { OPENROUTER_API_KEY: 'sk-from-shell', HOME: '/home/u' };
    const env = daemonEnv(inherited, { apiKey: 'sk-1' });
    assert.equal('OPENROUTER_API_KEY' in env, false);
    assert.equal(env.HOME, '/home/u');
    // The inherited environment itself is left as it was.
    assert.equal(inherited.OPENROUTER_API_KEY, 'sk-from-shell');
  });

  it('adds nothing for what was not given, so the inherited environment stays in force', () => {
    assert.deepEqual(
      daemonEnv({ GENERATION_MAX_CONCURRENT: '3' }, { clientName: 'vscode', config: { unknownKey: 1 } }),
      {
        GENERATION_MAX_CONCURRENT: '3',
        ELECTRON_RUN_AS_NODE: '1',
      },
    );
  });

  it('maps the checks settings to their environment names', () => {
    const env = daemonEnv(
      {},
      {
        config: { checksStatic: false, checksPython: '/opt/py', checksConcurrency: 2, checksTimeoutMs: 5000 },
      },
    );
    assert.deepEqual(env, {
      APPGEN_CHECKS_STATIC: 'false',
      APPGEN_PYTHON: '/opt/py',
      APPGEN_CHECKS_CONCURRENCY: '2',
      APPGEN_CHECKS_TIMEOUT_MS: '5000',
      ELECTRON_RUN_AS_NODE: '1',
    });
  });
});
