/**
 * The daemon's settings: read from the environment, overridden by `initialize` params, each value
 * validated with a message that names the variable and the bad value.
 */
import { availableParallelism } from 'node:os';
import type { ConfigOverrides } from '../shared/protocol';
import { DEFAULT_MAX_RESPONSE_BYTES } from './openrouter/response-budget';
import { checkOutputDir } from './output-dir';

export interface DaemonConfig {
  baseUrl: string;
  useQueue: boolean;
  maxConcurrent: number;
  lockTimeoutMs: number;
  maxRetries: number;
  backoffBaseMs: number;
  timeoutMs: number;
  /** Most bytes of one model response held; past it the call fails with `response_too_large`. */
  maxResponseBytes: number;
  /** Workspace-relative root of generated apps. */
  outputDir: string;
  /** Check every successful job's app statically by itself. */
  checksStatic: boolean;
  /** The Python that compiles backends for checks; empty: python3 on PATH, else /usr/bin/python3. */
  checksPython: string;
  /** App checks running at once (apart from model calls). */
  checksConcurrency: number;
  /** The limit of one app's smoke check, from start to cleanup. */
  checksTimeoutMs: number;
}

export const DEFAULT_CONFIG: DaemonConfig = {
  baseUrl: 'https://openrouter.ai/api/v1',
  useQueue: true,
  maxConcurrent: 4,
  lockTimeoutMs: 300_000,
  maxRetries: 2,
  backoffBaseMs: 1000,
  timeoutMs: 300_000,
  maxResponseBytes: DEFAULT_MAX_RESPONSE_BYTES,
  outputDir: 'generated/apps',
  checksStatic: true,
  checksPython: '',
  checksConcurrency: availableParallelism(),
  checksTimeoutMs: 30_000,
};

type Parser<T> = (raw: unknown, name: string) => T;

/** Raised for a setting that cannot be used; the message names it. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function integer(min: number, max = Number.MAX_SAFE_INTEGER): Parser<number> {
  return (raw, name) => {
    const text = typeof raw === 'string' ? raw.trim() : raw;
    const value =
      typeof text === 'number' ? text : typeof text === 'string' && text !== '' ? Number(text) : Number.NaN;
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new ConfigError(
        `${name} must be an integer from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ''}, got ${JSON.stringify(raw)}`,
      );
    }
    return value;
  };
}

const boolean: Parser<boolean> = (raw, name) => {
  if (typeof raw === 'boolean') return raw;
  const text = String(raw).trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(text)) return true;
  if (['false', '0', 'no', 'off'].includes(text)) return false;
  throw new ConfigError(`${name} must be true or false, got ${JSON.stringify(raw)}`);
};

const url: Parser<string> = (raw, name) => {
  const text = typeof raw === 'string' ? raw.trim() : '';
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw new ConfigError(`${name} must be an http(s) URL, got ${JSON.stringify(raw)}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ConfigError(`${name} must be an http(s) URL, got ${JSON.stringify(raw)}`);
  }
  return text.replace(/\/+$/, '');
};

const text: Parser<string> = (raw, name) => {
  if (typeof raw !== 'string') throw new ConfigError(`${name} must be a string, got ${JSON.stringify(raw)}`);
  return raw.trim();
};

const relativeDir: Parser<string> = (raw, name) => {
  const result = checkOutputDir(raw);
  if (!result.ok) throw new ConfigError(`${name} ${result.problem}`);
  return result.dir;
};

interface Field<K extends keyof DaemonConfig> {
  key: K;
  env: string;
  parse: Parser<DaemonConfig[K]>;
}

const FIELDS: { [K in keyof DaemonConfig]: Field<K> }[keyof DaemonConfig][] = [
  { key: 'baseUrl', env: 'OPENROUTER_BASE_URL', parse: url },
  { key: 'useQueue', env: 'GENERATION_USE_QUEUE', parse: boolean },
  { key: 'maxConcurrent', env: 'GENERATION_MAX_CONCURRENT', parse: integer(1, 1000) },
  { key: 'lockTimeoutMs', env: 'GENERATION_LOCK_TIMEOUT_MS', parse: integer(0) },
  { key: 'maxRetries', env: 'OPENROUTER_MAX_RETRIES', parse: integer(0, 100) },
  { key: 'backoffBaseMs', env: 'OPENROUTER_BACKOFF_BASE_MS', parse: integer(0) },
  { key: 'timeoutMs', env: 'OPENROUTER_TIMEOUT_MS', parse: integer(1) },
  { key: 'maxResponseBytes', env: 'OPENROUTER_MAX_RESPONSE_BYTES', parse: integer(1024) },
  { key: 'outputDir', env: 'APPGEN_OUTPUT_DIR', parse: relativeDir },
  { key: 'checksStatic', env: 'APPGEN_CHECKS_STATIC', parse: boolean },
  { key: 'checksPython', env: 'APPGEN_PYTHON', parse: text },
  { key: 'checksConcurrency', env: 'APPGEN_CHECKS_CONCURRENCY', parse: integer(1, 256) },
  { key: 'checksTimeoutMs', env: 'APPGEN_CHECKS_TIMEOUT_MS', parse: integer(1000, 600_000) },
];

/** Environment variable names the daemon reads, for documentation and tests. */
export const CONFIG_ENV_NAMES = FIELDS.map((f) => f.env);

/** Reads the settings from environment variables; throws ConfigError naming the first bad one. */
export function configFromEnv(env: NodeJS.ProcessEnv): DaemonConfig {
  const config: Record<string, unknown> = { ...DEFAULT_CONFIG };
  for (const field of FIELDS) {
    const raw = env[field.env];
    if (raw !== undefined && raw !== '') config[field.key] = field.parse(raw, field.env);
  }
  return config as unknown as DaemonConfig;
}

/**
 * Applies `initialize` overrides, given by environment name or camelCase key. Unknown keys are an
 * error so that a typo does not silently do nothing. Every problem is listed.
 */
export function applyOverrides(base: DaemonConfig, overrides: ConfigOverrides | undefined): DaemonConfig {
  if (overrides === undefined || overrides === null) return base;
  if (typeof overrides !== 'object' || Array.isArray(overrides)) {
    throw new ConfigError('config must be an object');
  }
  const config: Record<string, unknown> = { ...base };
  const problems: string[] = [];
  for (const [name, raw] of Object.entries(overrides)) {
    if (raw === undefined || raw === null) continue;
    const field = FIELDS.find((f) => f.key === name || f.env === name);
    if (!field) {
      // Handled by the caller; its value is never echoed.
      if (name === 'OPENROUTER_API_KEY' || name === 'apiKey') {
        if (typeof raw !== 'string') problems.push(`config.${name} must be a string`);
        continue;
      }
      problems.push(`unknown setting "${name}"`);
      continue;
    }
    try {
      config[field.key] = field.parse(raw, `config.${name}`);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems.join('; '));
  return config as unknown as DaemonConfig;
}
