import type { ContentFn, SimStep } from './sim-step';

/**
 * Behaviour chosen by words in a model id, so a demo or a test can use misbehaving models with no
 * setup:
 *
 * - `fail-always`: every request fails with 500.
 * - `flaky`: the first attempt of each call (the first request with a given prompt) fails with
 *   503, the next succeeds.
 * - `unauthorized`: 401. `no-credits`: 402. `rate-limited`: 429 with `Retry-After: 0` on the
 *   first attempt of each call, then success.
 * - `truncate`: the answer stops with `finish_reason: "length"`.
 * - `slow`: answers after `slowLatencyMs`.
 * - `no-code`: answers in prose only. `unsafe-path`: names a file outside the app folder.
 */
export interface ModelConvention {
  /** The step for this request; `firstAttempt` is false when the same call was seen before. */
  step?: (firstAttempt: boolean) => SimStep;
  /** Whether the convention needs to know if a call is being retried. */
  perCall?: boolean;
  content?: ContentFn;
  latencyMs?: number;
}

/** The convention a model id selects, if any. */
export function modelConvention(model: string, slowLatencyMs: number): ModelConvention | undefined {
  const id = model.toLowerCase();
  if (id.includes('fail-always')) return { step: () => 'http500' };
  if (id.includes('flaky')) return { perCall: true, step: (first) => (first ? 'http503' : 'ok') };
  if (id.includes('rate-limited')) {
    return { perCall: true, step: (first) => (first ? { kind: 'http429', retryAfter: '0' } : 'ok') };
  }
  if (id.includes('unauthorized')) return { step: () => 'http401' };
  if (id.includes('no-credits')) return { step: () => 'http402' };
  if (id.includes('truncate')) return { step: () => 'length' };
  if (id.includes('slow')) return { latencyMs: slowLatencyMs };
  if (id.includes('no-code')) {
    return {
      content: (_messages, name) =>
        `I would build this app step by step, but I (${name}) have no code today.`,
    };
  }
  if (id.includes('unsafe-path')) {
    return {
      content: (_messages, name) =>
        [
          `Model ${name} wants to write outside the app:`,
          '',
          '```python ../../outside.py',
          "print('this file must never be written')",
          '```',
          '',
        ].join('\n'),
    };
  }
  return undefined;
}
