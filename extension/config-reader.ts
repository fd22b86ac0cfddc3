/**
 * The extension's `appgen.*` settings, typed, as shared/settings.ts declares them. Pure: the caller
 * supplies a lookup that returns a setting's value only when the user set it somewhere, so unset
 * settings never override the daemon's environment.
 */
import type { GenerationOptions } from '../shared/job';
import type { ConfigOverrides } from '../shared/protocol';
import {
  DAEMON_SETTING_NAMES,
  type DaemonSettingName,
  SETTING_NAMES,
  SETTINGS,
  SETTINGS_SECTION,
  type SettingName,
  type SettingSpec,
  type SettingValue,
  settingSpec,
} from '../shared/settings';

export type GroupBy = SettingValue<'groupBy'>;

type EditorSettingName = Exclude<SettingName, DaemonSettingName>;
/** Settings only the extension reads whose default is a value: they always have one. */
type DefaultedName = {
  [K in EditorSettingName]: (typeof SETTINGS)[K]['default'] extends null ? never : K;
}[EditorSettingName];

/**
 * Every setting by its table name. A daemon setting is present only when the user set it (else the
 * daemon's environment and defaults stay in force); the extension's own take their default.
 */
export type AppGenSettings = { [K in Exclude<SettingName, DefaultedName>]?: SettingValue<K> } & {
  [K in DefaultedName]: SettingValue<K>;
};

/** Returns the value of `appgen.<key>` if the user set it (any scope), else undefined. */
export type SettingLookup = (key: string) => unknown;

/** Nothing is pre-selected for the user: spending is chosen, never defaulted. */
export const DEFAULT_MODELS: readonly string[] = SETTINGS.defaultModels.default;

/** A key within the `appgen` section: `checks.python` for `appgen.checks.python`. */
export function sectionKey(name: SettingName): string {
  return SETTINGS[name].key.slice(SETTINGS_SECTION.length + 1);
}

/** The value if it has the setting's type (a blank string counts as unset), else undefined. */
function typedValue(spec: SettingSpec, value: unknown): unknown {
  switch (spec.type) {
    case 'boolean':
      return typeof value === 'boolean' ? value : undefined;
    case 'integer':
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
    case 'string':
      if (typeof value !== 'string') return undefined;
      if (spec.enum !== undefined) return spec.enum.includes(value) ? value : undefined;
      return value.trim() === '' ? undefined : value.trim();
    case 'string[]':
      return Array.isArray(value)
        ? value.filter((item): item is string => typeof item === 'string' && item.trim() !== '')
        : undefined;
  }
}

/** Reads every setting; values of the wrong type count as unset. */
export function readSettings(lookup: SettingLookup): AppGenSettings {
  const settings: Record<string, unknown> = {};
  for (const name of SETTING_NAMES) {
    const spec = settingSpec(name);
    let value = typedValue(spec, lookup(sectionKey(name)));
    if (value === undefined && spec.env === undefined && spec.default !== null) {
      value = Array.isArray(spec.default) ? [...spec.default] : spec.default;
    }
    settings[name] = value;
  }
  return settings as AppGenSettings;
}

/** The `config` object of `initialize`: only the daemon settings the user set. */
export function toConfigOverrides(settings: AppGenSettings): ConfigOverrides {
  const config: ConfigOverrides = {};
  for (const name of DAEMON_SETTING_NAMES) {
    const value = settings[name];
    if (value !== undefined) (config as Record<string, unknown>)[name] = value;
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
