/**
 * The four prompt files in force, compiled: the shipped ones, each replaced by the workspace's file
 * of the same name when there is one. Knows nothing of where the texts came from.
 */
import { compilePromptFile, PromptRenderError, type PromptRenderer } from './compile-prompt-file';
import { PromptFileError, type PromptFileProblem } from './prompt-file-error';
import { PROMPT_FILE_NAMES, type PromptFileName } from './prompt-files';

/** The text of one prompt file and where it was read. */
export interface PromptSource {
  name: PromptFileName;
  text: string;
  /** How problems name the file: workspace-relative for an override, `prompts/<name>` when shipped. */
  file: string;
  /** Read from the workspace rather than shipped. */
  overridden: boolean;
}

export class PromptSet {
  /** The names of the files the workspace overrides, in the order of PROMPT_FILE_NAMES. */
  readonly overridden: PromptFileName[];

  private constructor(
    private readonly renderers: ReadonlyMap<PromptFileName, PromptRenderer>,
    overridden: PromptFileName[],
  ) {
    this.overridden = overridden;
  }

  /** Compiles every file; throws a `PromptFileError` listing every file that cannot be used. */
  static compile(sources: readonly PromptSource[]): PromptSet {
    const renderers = new Map<PromptFileName, PromptRenderer>();
    const problems: PromptFileProblem[] = [];
    for (const name of PROMPT_FILE_NAMES) {
      const source = sources.find((s) => s.name === name);
      if (!source) {
        problems.push({ file: `prompts/${name}`, message: 'is missing' });
        continue;
      }
      const compiled = compilePromptFile(source.text, source.file);
      if (compiled.ok) renderers.set(name, compiled.render);
      else problems.push(compiled.problem);
    }
    if (problems.length > 0) throw new PromptFileError(problems);
    const overridden = PROMPT_FILE_NAMES.filter((name) =>
      sources.some((s) => s.name === name && s.overridden),
    );
    return new PromptSet(renderers, overridden);
  }

  isOverridden(name: PromptFileName): boolean {
    return this.overridden.includes(name);
  }

  /**
   * The file rendered with `view`. Runs of blank lines become one and the text is trimmed, so a
   * section an `{{#if}}` leaves out leaves no gap. Throws a `PromptFileError` naming the line.
   */
  render(name: PromptFileName, view: object): string {
    const render = this.renderers.get(name) as PromptRenderer;
    try {
      return render(view)
        .replace(/\n{3,}/g, '\n\n')
        .trim();
    } catch (error) {
      if (error instanceof PromptRenderError) throw new PromptFileError([error.problem]);
      throw error;
    }
  }
}
