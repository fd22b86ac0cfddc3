/**
 * Where prompt files come from: the shipped ones beside the bundle (dist/prompts/, or
 * daemon/prompts/files/ when running from source), each replaced by the workspace's override.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PromptFileError } from './prompt-file-error';
import { PROMPT_FILE_NAMES } from './prompt-files';
import { PromptSet, type PromptSource } from './prompt-set';
import { readPromptOverrides } from './read-prompt-overrides';

/** The folder of the shipped prompt files. */
export function shippedPromptsDir(): string {
  const bundled = join(__dirname, 'prompts');
  return existsSync(join(bundled, PROMPT_FILE_NAMES[0])) ? bundled : join(__dirname, 'files');
}

let shipped: { sources: PromptSource[]; set: PromptSet } | undefined;

/** The shipped files as they are (read and compiled once); a broken install throws, naming the file. */
export function shippedPromptSet(): PromptSet {
  return loadShipped().set;
}

function loadShipped(): { sources: PromptSource[]; set: PromptSet } {
  if (!shipped) {
    const dir = shippedPromptsDir();
    const sources = PROMPT_FILE_NAMES.map((name): PromptSource => {
      const file = `prompts/${name}`;
      try {
        return { name, text: readFileSync(join(dir, name), 'utf8'), file, overridden: false };
      } catch (error) {
        throw new PromptFileError([
          { file, message: `the shipped file cannot be read (${(error as Error).message})` },
        ]);
      }
    });
    shipped = { sources, set: PromptSet.compile(sources) };
  }
  return shipped;
}

/**
 * A loader of the prompt files in force in a workspace: the shipped set when nothing is overridden,
 * and the same compiled set for as long as the overrides' texts stay the same. Rejects with a
 * `PromptFileError` naming every file that cannot be used.
 */
export function promptSetLoader(workspaceDir: string): () => Promise<PromptSet> {
  let last: { key: string; set: PromptSet } | undefined;
  return async () => {
    const base = loadShipped();
    const { sources, problems } = await readPromptOverrides(workspaceDir);
    if (problems.length > 0) throw new PromptFileError(problems);
    if (sources.length === 0) return base.set;
    const key = JSON.stringify(sources.map((s) => [s.name, s.text]));
    if (last?.key !== key) {
      const merged = base.sources.map((s) => sources.find((o) => o.name === s.name) ?? s);
      last = { key, set: PromptSet.compile(merged) };
    }
    return last.set;
  };
}
