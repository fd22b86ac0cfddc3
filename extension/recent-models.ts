/**
 * The models last chosen in Generate App, per workspace: offered first the next time (typed ids
 * included), never selected for the user. Spending stays a choice made each time; only
 * `appgen.defaultModels`, which the user sets, pre-selects anything.
 */
import type * as vscode from 'vscode';

const KEY = 'appgen.recentModels';
/** Enough to find the usual few again without the list growing without end. */
const MAX_REMEMBERED = 20;

export class RecentModels {
  constructor(private readonly memento: vscode.Memento) {}

  /** The remembered ids, most recent first. */
  get(): string[] {
    const value = this.memento.get<unknown>(KEY);
    return Array.isArray(value) ? value.filter((id): id is string => typeof id === 'string') : [];
  }

  /** Puts `chosen` first, keeping the others after them. */
  async remember(chosen: readonly string[]): Promise<void> {
    await this.memento.update(KEY, mergeRecent(chosen, this.get()));
  }
}

/** Pure: the new list after choosing `chosen`, most recent first, without repeats. */
export function mergeRecent(chosen: readonly string[], previous: readonly string[]): string[] {
  return [...new Set([...chosen, ...previous])].slice(0, MAX_REMEMBERED);
}
