import { DaemonError } from '../daemon-error';

/** One thing wrong with a prompt file, where it is known. */
export interface PromptFileProblem {
  /** Workspace-relative posix path of an override, `prompts/<name>` for a shipped file. */
  file: string;
  /** 1-based. */
  line?: number;
  /** 1-based. */
  column?: number;
  message: string;
}

/**
 * A prompt file that cannot be used. An `invalid_params` error: a request that would use it is
 * refused (-32602), and a job that meets it fails with this message.
 */
export class PromptFileError extends DaemonError {
  readonly problems: PromptFileProblem[];

  constructor(problems: PromptFileProblem[]) {
    super('invalid_params', problems.map(describeProblem).join('\n'), { details: { problems } });
    this.problems = problems;
  }
}

/** `.appgen/prompts/backend.user.hbs:12:5: unknown helper "shout"`. */
export function describeProblem(problem: PromptFileProblem): string {
  const where =
    problem.line === undefined
      ? problem.file
      : `${problem.file}:${problem.line}${problem.column === undefined ? '' : `:${problem.column}`}`;
  return `Prompt file ${where}: ${problem.message}`;
}
