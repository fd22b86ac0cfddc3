/**
 * Every `appgen.*` setting, declared once: its VS Code key, the environment variable the daemon
 * reads it from (daemon settings only), its type, default and rule, and whether a workspace that
 * is not trusted may set it. The daemon's config (daemon/config.ts), `initialize`'s `config`
 * (protocol.ts), the extension's reader and the daemon's spawn environment are derived from it; a
 * test holds package.json's `contributes.configuration` to it.
 *
 * The API key is never a setting: it lives in SecretStorage or `OPENROUTER_API_KEY`.
 */

/** The section of every key: `appgen.maxConcurrent` is `maxConcurrent` in `getConfiguration('appgen')`. */
export const SETTINGS_SECTION = 'appgen';

interface SettingBase {
  /** The key in VS Code's settings (and package.json). */
  readonly key: `appgen.${string}`;
  /** Where `null`, the setting is unset unless the user sets it (the daemon may resolve it). */
  readonly default: unknown;
  /** Listed in `restrictedConfigurations`: a workspace that is not trusted cannot set it. */
  readonly restricted: boolean;
}

/** A setting the daemon reads: from its environment, overridden by `initialize`'s `config`. */
export interface DaemonSettingSpec extends SettingBase {
  /** The environment variable; a public name, never renamed. */
  readonly env: string;
  readonly type: 'boolean' | 'integer' | 'string';
  /** Inclusive range the daemon accepts for an integer (package.json may suggest a narrower one). */
  readonly min?: number;
  readonly max?: number;
  /** A string's rule: an http(s) URL, or a workspace-relative output folder (daemon/output-dir.ts). */
  readonly format?: 'url' | 'folder';
  readonly enum?: undefined;
}

/** A setting only the extension reads. */
export interface EditorSettingSpec extends SettingBase {
  readonly env?: undefined;
  readonly type: 'integer' | 'number' | 'string' | 'string[]';
  readonly min?: number;
  readonly max?: number;
  /** The only values a string may take. */
  readonly enum?: readonly string[];
}

export type SettingSpec = DaemonSettingSpec | EditorSettingSpec;

/**
 * The table. Its names are the camelCase names of `initialize`'s `config` (and of the extension's
 * settings object); defaults are the ones package.json shows.
 */
export const SETTINGS = {
  baseUrl: {
    key: 'appgen.baseUrl',
    env: 'OPENROUTER_BASE_URL',
    type: 'string',
    format: 'url',
    default: 'https://openrouter.ai/api/v1',
    restricted: true, // the API key is sent there
  },
  useQueue: {
    key: 'appgen.useQueue',
    env: 'GENERATION_USE_QUEUE',
    type: 'boolean',
    default: true,
    restricted: false,
  },
  maxConcurrent: {
    key: 'appgen.maxConcurrent',
    env: 'GENERATION_MAX_CONCURRENT',
    type: 'integer',
    min: 1,
    max: 1000,
    default: 4,
    restricted: false,
  },
  lockTimeoutMs: {
    key: 'appgen.lockTimeoutMs',
    env: 'GENERATION_LOCK_TIMEOUT_MS',
    type: 'integer',
    min: 0,
    default: 300_000,
    restricted: false,
  },
  maxRetries: {
    key: 'appgen.maxRetries',
    env: 'OPENROUTER_MAX_RETRIES',
    type: 'integer',
    min: 0,
    max: 100,
    default: 2,
    restricted: false,
  },
  backoffBaseMs: {
    key: 'appgen.backoffBaseMs',
    env: 'OPENROUTER_BACKOFF_BASE_MS',
    type: 'integer',
    min: 0,
    default: 1000,
    restricted: false,
  },
  /** One model-call attempt, headers and body together. */
  timeoutMs: {
    key: 'appgen.timeoutMs',
    env: 'OPENROUTER_TIMEOUT_MS',
    type: 'integer',
    min: 1,
    default: 300_000,
    restricted: false,
  },
  /** Most bytes of one model response held; past it the call fails with `response_too_large`. */
  maxResponseBytes: {
    key: 'appgen.maxResponseBytes',
    env: 'OPENROUTER_MAX_RESPONSE_BYTES',
    type: 'integer',
    min: 1024,
    default: 8 * 1024 * 1024,
    restricted: false,
  },
  /** Workspace-relative root of generated apps. */
  outputDir: {
    key: 'appgen.outputDir',
    env: 'APPGEN_OUTPUT_DIR',
    type: 'string',
    format: 'folder',
    default: 'generated/apps',
    restricted: true, // decides where files are written
  },
  /** Check every successful job's app statically by itself. */
  checksStatic: {
    key: 'appgen.checks.static',
    env: 'APPGEN_CHECKS_STATIC',
    type: 'boolean',
    default: true,
    restricted: false,
  },
  /** The Python that compiles backends for checks; empty: python3 on PATH, else /usr/bin/python3. */
  checksPython: {
    key: 'appgen.checks.python',
    env: 'APPGEN_PYTHON',
    type: 'string',
    default: '',
    restricted: true, // a program the daemon runs
  },
  /** App checks running at once, apart from model calls; null: the number of cores. */
  checksConcurrency: {
    key: 'appgen.checks.concurrency',
    env: 'APPGEN_CHECKS_CONCURRENCY',
    type: 'integer',
    min: 1,
    max: 256,
    default: null,
    restricted: false,
  },
  /** The limit of one app's smoke check, from start to cleanup. */
  checksTimeoutMs: {
    key: 'appgen.checks.timeoutMs',
    env: 'APPGEN_CHECKS_TIMEOUT_MS',
    type: 'integer',
    min: 1000,
    max: 600_000,
    default: 30_000,
    restricted: false,
  },
  /** Nothing is pre-selected: spending is chosen, never defaulted. */
  defaultModels: {
    key: 'appgen.defaultModels',
    type: 'string[]',
    default: [],
    restricted: true, // a workspace could pick paid models for the user
  },
  temperature: {
    key: 'appgen.temperature',
    type: 'number',
    min: 0,
    max: 2,
    default: null,
    restricted: false,
  },
  maxTokens: { key: 'appgen.maxTokens', type: 'integer', min: 1, default: null, restricted: false },
  groupBy: {
    key: 'appgen.tree.groupBy',
    type: 'string',
    enum: ['batch', 'model', 'template'],
    default: 'batch',
    restricted: false,
  },
} as const satisfies Record<string, SettingSpec>;

type Table = typeof SETTINGS;
export type SettingName = keyof Table;

/** The settings the daemon reads (those with an environment variable). */
export type DaemonSettingName = {
  [K in SettingName]: Table[K] extends { env: string } ? K : never;
}[SettingName];

/** A setting's value once read: its type, with `null` where the default leaves it unset. */
export type SettingValue<K extends SettingName> = Table[K] extends { enum: readonly (infer E)[] }
  ? E
  : Table[K] extends { type: 'boolean' }
    ? boolean
    : Table[K] extends { type: 'integer' | 'number' }
      ? number
      : Table[K] extends { type: 'string[]' }
        ? string[]
        : string;

/** What a client may send for a daemon setting: the value, or text as in the environment. */
export type SettingWireValue<K extends DaemonSettingName> = Table[K] extends { type: 'string' }
  ? string
  : SettingValue<K> | string;

/** The spec of a setting, widened so that code can treat every entry alike. */
export function settingSpec(name: SettingName): SettingSpec {
  return SETTINGS[name];
}

/** Every setting's name, in the table's order. */
export const SETTING_NAMES = Object.keys(SETTINGS) as SettingName[];

/** The daemon's settings, in the table's order. */
export const DAEMON_SETTING_NAMES = SETTING_NAMES.filter(
  (name): name is DaemonSettingName => settingSpec(name).env !== undefined,
);
