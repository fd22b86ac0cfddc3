/**
 * The OpenRouter API key, kept in VS Code's SecretStorage only: never in a setting, a log line or
 * an error message.
 */
import type * as vscode from 'vscode';

const SECRET_KEY = 'appgen.openRouterApiKey';

export class ApiKeyStore {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  get(): Promise<string | undefined> {
    return Promise.resolve(this.secrets.get(SECRET_KEY));
  }

  async set(apiKey: string): Promise<void> {
    await this.secrets.store(SECRET_KEY, apiKey.trim());
  }

  async clear(): Promise<void> {
    await this.secrets.delete(SECRET_KEY);
  }

  /** Fires when the key is set or cleared, here or in another window. */
  onDidChange(listener: () => void): vscode.Disposable {
    return this.secrets.onDidChange((event) => {
      if (event.key === SECRET_KEY) listener();
    });
  }
}
