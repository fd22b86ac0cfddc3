/** The levels a request or a batch file asks for, checked and put in the order they run. */
import { CHECK_LEVELS, type CheckLevel } from '../../shared/job';
import { DaemonError } from '../daemon-error';

/** What `app/check` and `batch/check` run when they name no levels. */
export const DEFAULT_CHECK_LEVELS: readonly CheckLevel[] = ['static'];

/**
 * The levels `raw` names, each once, static before smoke; `DEFAULT_CHECK_LEVELS` when absent.
 * Anything else is `invalid_params` naming the value and the levels there are.
 */
export function parseCheckLevels(raw: unknown, name = 'levels'): CheckLevel[] {
  if (raw === undefined || raw === null) return [...DEFAULT_CHECK_LEVELS];
  if (!Array.isArray(raw) || raw.length === 0) {
    throw new DaemonError(
      'invalid_params',
      `${name} must be a non-empty list of ${known()}, got ${show(raw)}`,
    );
  }
  for (const level of raw) {
    if (!CHECK_LEVELS.includes(level as CheckLevel)) {
      throw new DaemonError(
        'invalid_params',
        `${name}: unknown check level ${show(level)}; the levels are ${known()}`,
      );
    }
  }
  return CHECK_LEVELS.filter((level) => raw.includes(level));
}

function known(): string {
  return CHECK_LEVELS.map((level) => `"${level}"`).join(' and ');
}

function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}
