/**
 * The OpenRouter key and the settings in force: the environment's, replaced by the `config` of an
 * `initialize` that sends one. Every key it is given is told to the secret scrubber before anything
 * else is done with it, so no log line, artifact or error message can carry it.
 */
import type { InitializeParams } from '../../shared/protocol';
import { applyOverrides, type DaemonConfig } from '../config';

export class SessionSettings {
  private current: DaemonConfig;
  private key: string | undefined;

  /**
   * `envKey` is `OPENROUTER_API_KEY` (empty means none); `redact` learns every key (the logger's,
   * which tells the daemon's secret scrubber).
   */
  constructor(
    private readonly envConfig: DaemonConfig,
    envKey: string | undefined,
    private readonly redact: (secret: string) => void,
  ) {
    this.current = envConfig;
    this.key = envKey || undefined;
    if (this.key !== undefined) redact(this.key);
  }

  get config(): DaemonConfig {
    return this.current;
  }

  /** The key OpenRouter calls are made with; only the client that makes them reads it. */
  get apiKey(): string | undefined {
    return this.key;
  }

  get hasApiKey(): boolean {
    return this.key !== undefined;
  }

  /**
   * Takes the key and settings of an `initialize`; returns whether settings were given. Settings
   * come from the client that sends them (the editor) and replace any sent before; a client that
   * sends none (the command line, relayed to an editor's daemon) leaves those in force. An empty
   * key clears the key ("Clear API Key"). A setting that cannot be used throws a ConfigError naming
   * it, and nothing changes.
   */
  apply(params: Pick<InitializeParams, 'apiKey' | 'config'>): boolean {
    const overrides = params.config;
    const key = params.apiKey ?? text(overrides?.OPENROUTER_API_KEY) ?? text(overrides?.apiKey);
    if (key) this.redact(key);
    if (overrides) this.current = applyOverrides(this.envConfig, overrides);
    if (key === '') this.key = undefined;
    else if (key !== undefined) this.key = key;
    return Boolean(overrides);
  }
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
