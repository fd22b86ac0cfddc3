import { strict as assert } from 'node:assert';
import { parseRetryAfter, RetryPolicy } from '../../../daemon/openrouter/retry-policy';

describe('RetryPolicy', () => {
  const noJitter = () => 0;

  it('doubles the backoff from the base for each retry', () => {
    const policy = new RetryPolicy({ maxRetries: 5, baseMs: 1000, random: noJitter });
    assert.deepEqual(
      [1, 2, 3, 4].map((k) => policy.delayMs(k)),
      [1000, 2000, 4000, 8000],
    );
  });

  it('adds jitter between zero and half the exponential delay', () => {
    const low = new RetryPolicy({ maxRetries: 3, baseMs: 1000, random: () => 0 });
    const high = new RetryPolicy({ maxRetries: 3, baseMs: 1000, random: () => 0.999999 });
    const mid = new RetryPolicy({ maxRetries: 3, baseMs: 1000, random: () => 0.5 });
    assert.equal(low.delayMs(2), 2000);
    assert.equal(mid.delayMs(2), 2500);
    const top = high.delayMs(2);
    assert.ok(top > 2900 && top <= 3000, `jitter out of bounds: ${top}`);
  });

  it('treats out-of-range random values as the nearest bound', () => {
    assert.equal(new RetryPolicy({ maxRetries: 1, baseMs: 100, random: () => -3 }).delayMs(1), 100);
    assert.equal(new RetryPolicy({ maxRetries: 1, baseMs: 100, random: () => Number.NaN }).delayMs(1), 100);
    assert.equal(new RetryPolicy({ maxRetries: 1, baseMs: 100, random: () => 7 }).delayMs(1), 150);
  });

  it('caps every delay at maxDelayMs, 60 s by default', () => {
    const policy = new RetryPolicy({ maxRetries: 20, baseMs: 1000, random: noJitter });
    assert.equal(policy.delayMs(10), 60_000);
    const tight = new RetryPolicy({ maxRetries: 20, baseMs: 1000, maxDelayMs: 5000, random: noJitter });
    assert.equal(tight.delayMs(4), 5000);
    assert.equal(tight.delayMs(1, 90_000), 5000);
  });

  it('lets a Retry-After wait win over the backoff, shorter or longer', () => {
    const policy = new RetryPolicy({ maxRetries: 3, baseMs: 1000, random: noJitter });
    assert.equal(policy.delayMs(3, 0), 0);
    assert.equal(policy.delayMs(1, 7000), 7000);
  });

  it('retries transport failures, timeouts, cut-off and unusable bodies', () => {
    const policy = new RetryPolicy({ maxRetries: 2, baseMs: 1 });
    for (const kind of ['connection', 'timeout', 'cut-off', 'unusable-body'] as const) {
      assert.equal(policy.isRetryable({ kind }), true, kind);
    }
  });

  it('retries 408, 429, 500, 502, 503 and 504', () => {
    const policy = new RetryPolicy({ maxRetries: 2, baseMs: 1 });
    for (const status of [408, 429, 500, 502, 503, 504]) {
      assert.equal(policy.isRetryable({ kind: 'http', status }), true, String(status));
    }
  });

  it('does not retry 400, 401, 403 or 404, even with a Retry-After', () => {
    const policy = new RetryPolicy({ maxRetries: 2, baseMs: 1 });
    for (const status of [400, 401, 403, 404]) {
      assert.equal(policy.isRetryable({ kind: 'http', status }), false, String(status));
      assert.equal(
        policy.isRetryable({ kind: 'http', status, retryAfterMs: 10 }),
        false,
        `${status} + Retry-After`,
      );
    }
  });

  it('retries 402 only when the server said when to come back', () => {
    const policy = new RetryPolicy({ maxRetries: 2, baseMs: 1 });
    assert.equal(policy.isRetryable({ kind: 'http', status: 402 }), false);
    assert.equal(policy.isRetryable({ kind: 'http', status: 402, retryAfterMs: 0 }), true);
  });

  it('retries a mid-stream error only before any content arrived', () => {
    const policy = new RetryPolicy({ maxRetries: 2, baseMs: 1 });
    assert.equal(policy.isRetryable({ kind: 'mid-stream', contentReceived: false }), true);
    assert.equal(policy.isRetryable({ kind: 'mid-stream', contentReceived: true }), false);
  });

  it('never retries a truncated answer, a response past the size limit or a cancelled call', () => {
    const policy = new RetryPolicy({ maxRetries: 2, baseMs: 1 });
    assert.equal(policy.isRetryable({ kind: 'truncated' }), false);
    assert.equal(policy.isRetryable({ kind: 'too-large' }), false);
    assert.equal(policy.isRetryable({ kind: 'cancelled' }), false);
  });

  it('stops after maxRetries retries', () => {
    const policy = new RetryPolicy({ maxRetries: 2, baseMs: 10, random: noJitter });
    const facts = { kind: 'http' as const, status: 503 };
    assert.deepEqual(policy.decide(facts, 0), { retry: true, delayMs: 10 });
    assert.deepEqual(policy.decide(facts, 1), { retry: true, delayMs: 20 });
    assert.deepEqual(policy.decide(facts, 2), { retry: false });
  });

  it('never retries with maxRetries 0', () => {
    const policy = new RetryPolicy({ maxRetries: 0, baseMs: 10 });
    assert.deepEqual(policy.decide({ kind: 'connection' }, 0), { retry: false });
  });

  it('uses the Retry-After wait in its decision', () => {
    const policy = new RetryPolicy({ maxRetries: 2, baseMs: 1000, random: noJitter });
    assert.deepEqual(policy.decide({ kind: 'http', status: 429, retryAfterMs: 3000 }, 1), {
      retry: true,
      delayMs: 3000,
    });
  });
});

describe('parseRetryAfter', () => {
  const now = Date.UTC(2025, 1, 9, 10, 0, 0);

  it('reads delta seconds, whole or decimal', () => {
    assert.equal(parseRetryAfter('0', now), 0);
    assert.equal(parseRetryAfter('12', now), 12_000);
    assert.equal(parseRetryAfter(' 1.5 ', now), 1500);
  });

  it('reads an HTTP date relative to the injected clock', () => {
    assert.equal(parseRetryAfter('Sun, 09 Feb 2025 10:00:30 GMT', now), 30_000);
  });

  it('reads an HTTP date in the past as no wait', () => {
    assert.equal(parseRetryAfter('Sun, 09 Feb 2025 09:59:00 GMT', now), 0);
  });

  it('ignores absent, empty, negative and unreadable values', () => {
    for (const value of [undefined, null, '', '  ', '-5', '1e3', 'soon', 'NaN']) {
      assert.equal(parseRetryAfter(value, now), undefined, String(value));
    }
  });
});
