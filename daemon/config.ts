/**
 * The daemon's settings: read from the environment, overridden by `initialize` params, each value
 * validated with a message that names the variable and the bad value. Which settings there are,
 * their names, defaults and rules come from shared/settings.ts.
 */
import { availableParallelism } from 'node:os';
import type { ConfigOverrides } from '../shared/protocol';
import {
  DAEMON_SETTING_NAMES,
  type DaemonSettingName,
  type DaemonSettingSpec,
  SETTINGS,
  type SettingValue,
} from '../shared/settings';
import { checkOutputDir } from './output-dir';

/** Every daemon setting by its camelCase name, resolved (no `null`). */
export type DaemonConfig = { [K in DaemonSettingName]: SettingValue<K> };

type NullDefault = {
  [K in DaemonSettingName]: (typeof SETTINGS)[K]['default'] extends null ? K : never;
}[DaemonSettingName];

/** What the daemon uses where a setting's default is `null` ("decided by the machine"). */
const MACHINE_DEFAULTS: { [K in NullDefault]: () => DaemonConfig[K] } = {
  checksConcurrency: availableParallelism,
};

function defaultOf<K extends DaemonSettingName>(name: K): DaemonConfig[K] {
  const value = SETTINGS[name].default as DaemonConfig[K] | null;
  return value ?? (MACHINE_DEFAULTS as unknown as Record<string, () => DaemonConfig[K]>)[name]!();
}

export const DEFAULT_CONFIG: DaemonConfig = Object.fromEntries(
  DAEMON_SETTING_NAMES.map((name) => [name, defaultOf(name)]),
) as DaemonConfig;

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

/** The parser a setting's type and rule call for. */
function parserOf(spec: DaemonSettingSpec): Parser<unknown> {
  switch (spec.type) {
    case 'boolean':
      return boolean;
    case 'integer':
      return integer(spec.min ?? Number.MIN_SAFE_INTEGER, spec.max);
    case 'string':
      return spec.format === 'url' ? url : spec.format === 'folder' ? relativeDir : text;
  }
}

interface Field {
  key: DaemonSettingName;
  env: string;
  parse: Parser<unknown>;
}

const FIELDS: Field[] = DAEMON_SETTING_NAMES.map((key) => {
  const spec: DaemonSettingSpec = SETTINGS[key];
  return { key, env: spec.env, parse: parserOf(spec) };
});

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
