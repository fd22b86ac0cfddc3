import { createHash } from 'node:crypto';
import type { Prompt } from './build-prompt';

/**
 * The sha256 (hex) of the prompts sent, in order: each one's system text, then its user text, each
 * followed by a zero byte, so that no two different sequences of texts give the same bytes.
 */
export function promptHash(prompts: readonly Prompt[]): string {
  const hash = createHash('sha256');
  for (const prompt of prompts) {
    hash.update(prompt.system).update('\0').update(prompt.user).update('\0');
  }
  return hash.digest('hex');
}

/** The first 12 hex digits, enough to tell prompts apart in a table. */
export function shortPromptHash(hash: string): string {
  return hash.slice(0, 12);
}
