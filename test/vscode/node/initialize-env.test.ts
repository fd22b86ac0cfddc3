import * as assert from 'node:assert/strict';
import { initializeEnv } from '../../../extension/initialize-env';

describe('initializeEnv', () => {
  it('maps the key and each setting to the environment variable of the same meaning', () => {
    assert.deepEqual(
      initializeEnv({
        apiKey: 'sk-1',
        config: {
          baseUrl: 'http://127.0.0.1:1/api/v1',
          useQueue: false,
          maxConcurrent: 2,
          outputDir: 'out/apps',
        },
      }),
      {
        OPENROUTER_API_KEY: 'sk-1',
        OPENROUTER_BASE_URL: 'http://127.0.0.1:1/api/v1',
        GENERATION_USE_QUEUE: 'false',
        GENERATION_MAX_CONCURRENT: '2',
        APPGEN_OUTPUT_DIR: 'out/apps',
      },
    );
  });

  it('sets nothing for what was not given, so the inherited environment stays in force', () => {
    assert.deepEqual(initializeEnv({ clientName: 'vscode', config: { unknownKey: 1 } }), {});
  });
});
