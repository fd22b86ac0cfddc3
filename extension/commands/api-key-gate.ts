/**
 * Nothing that spends starts without a key: Generate App and Run Batch ask here first. The key may
 * be in SecretStorage or already held by the daemon (set in its environment, or sent by another
 * client); with neither, the user is offered to set one, and only a key actually set lets the
 * command go on.
 */
import * as vscode from 'vscode';
import { CommandIds } from '../command-ids';
import type { DaemonClient } from '../daemon-client';
import type { CommandContext } from './command-context';

/** Thrown to scripted callers (tests, other extensions) when no key is set. */
export class NoApiKeyError extends Error {
  constructor(action: string) {
    super(
      `no OpenRouter API key is set, so nothing was started (${action}); run "AppGen: Set OpenRouter API Key"`,
    );
  }
}

/**
 * True when a key is available. Otherwise offers to set one (when `interactive`) and answers
 * whether the user did.
 */
export async function ensureApiKey(
  ctx: CommandContext,
  client: DaemonClient,
  interactive: boolean,
): Promise<boolean> {
  if (client.initializeResult?.hasApiKey === true || (await ctx.keys.get())) return true;
  if (!interactive) return false;
  const set = 'Set API Key';
  const choice = await vscode.window.showWarningMessage(
    'AppGen: no OpenRouter API key is set. Nothing starts without one.',
    set,
  );
  if (choice !== set) return false;
  const saved = await vscode.commands.executeCommand<boolean>(CommandIds.setApiKey);
  return saved === true && (await ctx.keys.get()) !== undefined;
}
