/**
 * The environment a daemon is started with, carrying the same key and settings as its first
 * `initialize`. A restarted daemon resumes unfinished jobs as soon as it starts; with this it
 * calls the right server with the right key from its first moment. Pure.
 */
import type { InitializeParams } from '../shared/protocol';

/** `initialize` config names and the environment variables of the same meaning (see CONTRACT). */
export const CONFIG_ENV_NAMES: Readonly<Record<string, string>> = {
  baseUrl: 'OPENROUTER_BASE_URL',
  useQueue: 'GENERATION_USE_QUEUE',
  maxConcurrent: 'GENERATION_MAX_CONCURRENT',
  lockTimeoutMs: 'GENERATION_LOCK_TIMEOUT_MS',
  maxRetries: 'OPENROUTER_MAX_RETRIES',
  backoffBaseMs: 'OPENROUTER_BACKOFF_BASE_MS',
  timeoutMs: 'OPENROUTER_TIMEOUT_MS',
  outputDir: 'APPGEN_OUTPUT_DIR',
};

export function initializeEnv(params: InitializeParams): Record<string, string> {
  const env: Record<string, string> = {};
  if (params.apiKey) env.OPENROUTER_API_KEY = params.apiKey;
  for (const [key, value] of Object.entries(params.config ?? {})) {
    const name = CONFIG_ENV_NAMES[key];
    if (name && value !== undefined && value !== null) env[name] = String(value);
  }
  return env;
}
