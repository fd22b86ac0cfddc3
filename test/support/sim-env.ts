/**
 * The environment a test daemon gets to reach a local OpenRouter simulator instead of the real
 * service.
 */
import type { Simulator } from '../../daemon/simulator/simulator';

/** The key every test daemon is given; it must never show up in the workspace or the logs. */
export const TEST_API_KEY = 'sk-or-v1-generation-secret-7f3a9c21d4e8b6';

/** An address on this machine where nothing listens: what a daemon reaches without a simulator. */
export const UNREACHABLE_BASE_URL = 'http://127.0.0.1:9/api/v1';

/** The daemon's environment for talking to `sim` with the test key and a 1 ms backoff, plus `extra`. */
export function simulatorEnv(sim: Simulator, extra: Record<string, string> = {}): Record<string, string> {
  return {
    OPENROUTER_BASE_URL: sim.url,
    OPENROUTER_API_KEY: TEST_API_KEY,
    OPENROUTER_BACKOFF_BASE_MS: '1',
    ...extra,
  };
}
