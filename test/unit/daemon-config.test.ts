import * as assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { applyOverrides, ConfigError, configFromEnv, DEFAULT_CONFIG } from '../../daemon/config';
import type { ConfigOverrides } from '../../shared/protocol';

/** Overrides as a client may send them, of any type. */
const sent = (value: Record<string, unknown>) => value as ConfigOverrides;

describe('daemon config', () => {
  it('starts from the documented defaults, with as many checks at once as cores', () => {
    assert.deepEqual(configFromEnv({}), {
      baseUrl: 'https://openrouter.ai/api/v1',
      useQueue: true,
      maxConcurrent: 4,
      lockTimeoutMs: 300_000,
      maxRetries: 2,
      backoffBaseMs: 1000,
      timeoutMs: 300_000,
      maxResponseBytes: 8 * 1024 * 1024,
      outputDir: 'generated/apps',
      checksStatic: true,
      checksPython: '',
      checksConcurrency: availableParallelism(),
      checksTimeoutMs: 30_000,
    });
  });

  it('reads each environment variable into its setting, and ignores empty ones', () => {
    const config = configFromEnv({
      OPENROUTER_BASE_URL: ' http://127.0.0.1:9/api/v1// ',
      GENERATION_USE_QUEUE: 'off',
      GENERATION_MAX_CONCURRENT: '7',
      GENERATION_LOCK_TIMEOUT_MS: '0',
      OPENROUTER_MAX_RETRIES: '100',
      OPENROUTER_BACKOFF_BASE_MS: '1',
      OPENROUTER_TIMEOUT_MS: '1',
      OPENROUTER_MAX_RESPONSE_BYTES: '1024',
      APPGEN_OUTPUT_DIR: 'out\\apps',
      APPGEN_CHECKS_STATIC: 'no',
      APPGEN_PYTHON: ' /opt/venv/bin/python ',
      APPGEN_CHECKS_CONCURRENCY: '256',
      APPGEN_CHECKS_TIMEOUT_MS: '',
    });
    assert.deepEqual(config, {
      baseUrl: 'http://127.0.0.1:9/api/v1',
      useQueue: false,
      maxConcurrent: 7,
      lockTimeoutMs: 0,
      maxRetries: 100,
      backoffBaseMs: 1,
      timeoutMs: 1,
      maxResponseBytes: 1024,
      outputDir: 'out/apps',
      checksStatic: false,
      checksPython: '/opt/venv/bin/python',
      checksConcurrency: 256,
      checksTimeoutMs: 30_000,
    });
  });

  it('names the variable and the bad value', () => {
    const cases: [Record<string, string>, string][] = [
      [
        { GENERATION_MAX_CONCURRENT: 'abc' },
        'GENERATION_MAX_CONCURRENT must be an integer from 1 to 1000, got "abc"',
      ],
      [
        { GENERATION_LOCK_TIMEOUT_MS: '-1' },
        'GENERATION_LOCK_TIMEOUT_MS must be an integer from 0, got "-1"',
      ],
      [
        { APPGEN_CHECKS_TIMEOUT_MS: '999' },
        'APPGEN_CHECKS_TIMEOUT_MS must be an integer from 1000 to 600000, got "999"',
      ],
      [{ GENERATION_USE_QUEUE: 'maybe' }, 'GENERATION_USE_QUEUE must be true or false, got "maybe"'],
      [{ OPENROUTER_BASE_URL: 'ftp://x' }, 'OPENROUTER_BASE_URL must be an http(s) URL, got "ftp://x"'],
    ];
    for (const [env, message] of cases) {
      assert.throws(
        () => configFromEnv(env),
        (error: unknown) => error instanceof ConfigError && error.message === message,
        message,
      );
    }
  });

  it('applies initialize overrides by camelCase or environment name, listing every problem', () => {
    const config = applyOverrides(
      DEFAULT_CONFIG,
      sent({
        maxConcurrent: 2,
        GENERATION_USE_QUEUE: 'false',
        checksPython: null,
        checksTimeoutMs: undefined,
      }),
    );
    assert.equal(config.maxConcurrent, 2);
    assert.equal(config.useQueue, false);
    assert.equal(config.checksPython, '');
    assert.throws(
      () =>
        applyOverrides(DEFAULT_CONFIG, sent({ checksPython: 3, APPGEN_CHECKS_STATIC: 'x', colour: 'red' })),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.message ===
          'config.checksPython must be a string, got 3; config.APPGEN_CHECKS_STATIC must be true or false, got "x"; unknown setting "colour"',
    );
  });
});
