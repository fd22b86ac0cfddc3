/**
 * The environment a daemon is spawned with: the inherited one, plus the settings of its first
 * `initialize` under their environment names, minus any API key. Pure.
 *
 * The key travels in `initialize` only. An environment is readable by other processes of the same
 * user (/proc/<pid>/environ) and inherited by every child, so SecretStorage's key is never put
 * there, and a key inherited from the editor's own environment is dropped so that "Clear API Key"
 * really leaves the daemon without one. Nothing is lost by it: the daemon resumes the jobs an
 * earlier daemon left only after its first `initialize`, which carries the key.
 */
import type { InitializeParams } from '../shared/protocol';
import { DAEMON_SETTING_NAMES, SETTINGS } from '../shared/settings';

/** `initialize` config names and the environment variables of the same meaning. */
export const CONFIG_ENV_NAMES: Readonly<Record<string, string>> = Object.fromEntries(
  DAEMON_SETTING_NAMES.map((name) => [name, SETTINGS[name].env]),
);

/** Environment variables that carry a key, never passed to the daemon. */
export const KEY_ENV_NAMES: readonly string[] = ['OPENROUTER_API_KEY'];

export function daemonEnv(inherited: NodeJS.ProcessEnv, params: InitializeParams): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...inherited };
  for (const name of KEY_ENV_NAMES) delete env[name];
  for (const [key, value] of Object.entries(params.config ?? {})) {
    const name = CONFIG_ENV_NAMES[key];
    if (name && value !== undefined && value !== null) env[name] = String(value);
  }
  // VS Code's executable runs as plain Node with this.
  env.ELECTRON_RUN_AS_NODE = '1';
  return env;
}
