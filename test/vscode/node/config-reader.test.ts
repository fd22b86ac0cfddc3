import * as assert from 'node:assert/strict';
import {
  DEFAULT_MODELS,
  readSettings,
  toConfigOverrides,
  toGenerationOptions,
} from '../../../extension/config-reader';

const lookup =
  (values: Record<string, unknown>) =>
  (key: string): unknown =>
    values[key];

describe('config reader', () => {
  it('sends the daemon nothing for settings the user did not set', () => {
    const settings = readSettings(lookup({}));
    assert.deepEqual(toConfigOverrides(settings), {});
    assert.deepEqual(settings.defaultModels, DEFAULT_MODELS);
    // Nothing is chosen for the user: every model call is paid.
    assert.deepEqual(DEFAULT_MODELS, []);
    assert.equal(settings.groupBy, 'batch');
    assert.equal(toGenerationOptions(settings), undefined);
  });

  it('maps set settings to the initialize config by their protocol names', () => {
    const settings = readSettings(
      lookup({
        baseUrl: ' http://127.0.0.1:9/api/v1 ',
        useQueue: false,
        maxConcurrent: 2,
        backoffBaseMs: 0,
        outputDir: 'apps',
      }),
    );
    assert.deepEqual(toConfigOverrides(settings), {
      baseUrl: 'http://127.0.0.1:9/api/v1',
      useQueue: false,
      maxConcurrent: 2,
      backoffBaseMs: 0,
      outputDir: 'apps',
    });
  });

  it('treats values of the wrong type as unset', () => {
    const settings = readSettings(
      lookup({ maxConcurrent: 'many', useQueue: 'yes', baseUrl: '', defaultModels: 'x' }),
    );
    assert.deepEqual(toConfigOverrides(settings), {});
    assert.deepEqual(settings.defaultModels, DEFAULT_MODELS);
  });

  it('turns temperature and maxTokens into generation options', () => {
    const settings = readSettings(lookup({ temperature: 0.2, maxTokens: 800, 'tree.groupBy': 'model' }));
    assert.deepEqual(toGenerationOptions(settings), { temperature: 0.2, maxTokens: 800 });
    assert.equal(settings.groupBy, 'model');
  });

  it('forwards every daemon setting under its section key, the checks ones included', () => {
    const settings = readSettings(
      lookup({
        baseUrl: 'http://127.0.0.1:9/api/v1',
        useQueue: true,
        maxConcurrent: 3,
        lockTimeoutMs: 10,
        maxRetries: 0,
        backoffBaseMs: 1,
        timeoutMs: 2000,
        maxResponseBytes: 4096,
        outputDir: 'apps',
        'checks.static': false,
        'checks.python': ' /opt/venv/bin/python ',
        'checks.concurrency': 2,
        'checks.timeoutMs': 5000,
        // Not the daemon's: never forwarded.
        defaultModels: ['a/b', ' '],
        temperature: 0.5,
      }),
    );
    assert.deepEqual(toConfigOverrides(settings), {
      baseUrl: 'http://127.0.0.1:9/api/v1',
      useQueue: true,
      maxConcurrent: 3,
      lockTimeoutMs: 10,
      maxRetries: 0,
      backoffBaseMs: 1,
      timeoutMs: 2000,
      maxResponseBytes: 4096,
      outputDir: 'apps',
      checksStatic: false,
      checksPython: '/opt/venv/bin/python',
      checksConcurrency: 2,
      checksTimeoutMs: 5000,
    });
    assert.deepEqual(settings.defaultModels, ['a/b']);
    assert.equal(readSettings(lookup({ 'tree.groupBy': 'colour' })).groupBy, 'batch');
  });
});
