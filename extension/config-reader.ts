/**
 * The extension's `appgen.*` settings, typed. Pure: the caller supplies a lookup that returns a
 * setting's value only when the user set it somewhere, so unset settings never override the
 * daemon's environment.
 */
import type { GenerationOptions } from '../shared/job';
import type { ConfigOverrides } from '../shared/protocol';

export type GroupBy = 'batch' | 'model' | 'template';

export interface AppGenSettings {
  baseUrl?: string;
  useQueue?: boolean;
  maxConcurrent?: number;
  lockTimeoutMs?: number;
  maxRetries?: number;
  backoffBaseMs?: number;
  timeoutMs?: number;
  maxResponseBytes?: number;
  outputDir?: string;
  checksStatic?: boolean;
  checksPython?: string;
  checksConcurrency?: number;
  checksTimeoutMs?: number;
  defaultModels: string[];
  temperature?: number;
  maxTokens?: number;
  groupBy: GroupBy;
}

/** Returns the value of `appgen.<key>` if the user set it (any scope), else undefined. */
export type SettingLookup = (key: string) => unknown;

/** The app-check settings, by their `ConfigOverrides` name: `appgen.checks.<name>` in VS Code. */
export const CHECK_SETTINGS = {
  checksStatic: 'checks.static',
  checksPython: 'checks.python',
  checksConcurrency: 'checks.concurrency',
  checksTimeoutMs: 'checks.timeoutMs',
} as const;

/** Settings forwarded to the daemon in `initialize`, by their `ConfigOverrides` name. */
export const DAEMON_SETTING_KEYS = [
  'baseUrl',
  'useQueue',
  'maxConcurrent',
  'lockTimeoutMs',
  'maxRetries',
  'backoffBaseMs',
  'timeoutMs',
  'maxResponseBytes',
  'outputDir',
] as const;

/** Nothing is pre-selected for the user: spending is chosen, never defaulted. */
export const DEFAULT_MODELS: readonly string[] = [];

const asString = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
const asNumber = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;
const asBoolean = (value: unknown): boolean | undefined => (typeof value === 'boolean' ? value : undefined);

const groupByOf = (value: unknown): GroupBy => (value === 'model' || value === 'template' ? value : 'batch');

/** Reads every setting; values of the wrong type count as unset. */
export function readSettings(lookup: SettingLookup): AppGenSettings {
  const models = lookup('defaultModels');
  const defaultModels = Array.isArray(models)
    ? models.filter((model): model is string => typeof model === 'string' && model.trim() !== '')
    : [...DEFAULT_MODELS];
  return {
    baseUrl: asString(lookup('baseUrl')),
    useQueue: asBoolean(lookup('useQueue')),
    maxConcurrent: asNumber(lookup('maxConcurrent')),
    lockTimeoutMs: asNumber(lookup('lockTimeoutMs')),
    maxRetries: asNumber(lookup('maxRetries')),
    backoffBaseMs: asNumber(lookup('backoffBaseMs')),
    timeoutMs: asNumber(lookup('timeoutMs')),
    maxResponseBytes: asNumber(lookup('maxResponseBytes')),
    outputDir: asString(lookup('outputDir')),
    checksStatic: asBoolean(lookup(CHECK_SETTINGS.checksStatic)),
    checksPython: asString(lookup(CHECK_SETTINGS.checksPython)),
    checksConcurrency: asNumber(lookup(CHECK_SETTINGS.checksConcurrency)),
    checksTimeoutMs: asNumber(lookup(CHECK_SETTINGS.checksTimeoutMs)),
    defaultModels,
    temperature: asNumber(lookup('temperature')),
    maxTokens: asNumber(lookup('maxTokens')),
    groupBy: groupByOf(lookup('tree.groupBy')),
  };
}

/** The `config` object of `initialize`: only the daemon settings the user set. */
export function toConfigOverrides(settings: AppGenSettings): ConfigOverrides {
  const config: ConfigOverrides = {};
  for (const key of [
    ...DAEMON_SETTING_KEYS,
    ...(Object.keys(CHECK_SETTINGS) as (keyof typeof CHECK_SETTINGS)[]),
  ]) {
    const value = settings[key];
    if (value !== undefined) (config as Record<string, unknown>)[key] = value;
  }
  return config;
}

/** Per-generation options from the settings, or undefined when none is set. */
export function toGenerationOptions(settings: AppGenSettings): GenerationOptions | undefined {
  const options: GenerationOptions = {};
  if (settings.temperature !== undefined) options.temperature = settings.temperature;
  if (settings.maxTokens !== undefined) options.maxTokens = settings.maxTokens;
  return Object.keys(options).length > 0 ? options : undefined;
}
