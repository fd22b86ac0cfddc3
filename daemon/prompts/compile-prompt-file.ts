/**
 * Turns the text of one prompt file into a render function, or says precisely what is wrong with
 * it (file, line, column). Handlebars runs in strict mode, so a misspelt variable is an error
 * naming its line rather than a silent gap in the prompt; only the helpers below exist.
 */
import type HandlebarsApi from 'handlebars';
import type { PromptFileProblem } from './prompt-file-error';

/** Renders a prompt file's template; throws a `PromptRenderError` naming the line. */
export type PromptRenderer = (view: object) => string;

export type CompileResult = { ok: true; render: PromptRenderer } | { ok: false; problem: PromptFileProblem };

export class PromptRenderError extends Error {
  constructor(readonly problem: PromptFileProblem) {
    super(problem.message);
  }
}

type Handlebars = typeof HandlebarsApi;
type CompileOptions = Parameters<Handlebars['compile']>[1];

interface Location {
  start: { line: number; column: number };
}

const OPTIONS: CompileOptions = {
  noEscape: true, // prompts are text, not HTML
  strict: true,
  knownHelpers: { json: true, log: false },
  knownHelpersOnly: true,
};

let loaded: Handlebars | undefined;

/**
 * Handlebars, with the helpers prompt files may use. Loading it takes tens of milliseconds, so it
 * is loaded with the first prompt file rather than when the daemon starts. Its CommonJS build is
 * taken directly: the package's entry point also registers `.hbs` files with `require`.
 */
function handlebars(): Handlebars {
  if (!loaded) {
    const env = (require('handlebars/dist/cjs/handlebars') as { default: Handlebars }).default.create();
    // `log` writes to the console, and the daemon's stdout is the protocol.
    env.unregisterHelper('log');
    env.registerHelper('json', (...args: unknown[]) => {
      // Handlebars passes its options last; their `loc` lets the error name the line.
      const options = args.pop() as hbs.AST.Node;
      if (args.length !== 1) {
        throw new env.Exception('json takes one value, as in {{json template.data_model}}', options);
      }
      return JSON.stringify(args[0], null, 2) ?? 'null';
    });
    loaded = env;
  }
  return loaded;
}

/** Compiles a prompt file; `file` is how the problem names it. Line ends may be CRLF. */
export function compilePromptFile(text: string, file: string): CompileResult {
  const env = handlebars();
  const source = text.replace(/\r\n?/g, '\n');
  let ast: hbs.AST.Program;
  try {
    ast = env.parse(source);
  } catch (error) {
    return { ok: false, problem: parseProblem(error, source, file) };
  }
  const unsupported = findUnsupported(ast);
  if (unsupported) return { ok: false, problem: { file, ...unsupported } };
  try {
    // Compiles now, so an unknown helper is reported before any job uses the file.
    env.precompile(ast, OPTIONS);
  } catch (error) {
    return { ok: false, problem: located(error, file) };
  }
  const template = env.compile(ast, OPTIONS);
  const render: PromptRenderer = (view) => {
    try {
      return template(view);
    } catch (error) {
      throw new PromptRenderError(located(error, file));
    }
  };
  return { ok: true, render };
}

/** Handlebars' own errors carry `lineNumber` and a 0-based `column`, and end in ` - line:column`. */
function located(error: unknown, file: string): PromptFileProblem {
  const e = error as { message?: unknown; lineNumber?: unknown; column?: unknown };
  const raw = typeof e.message === 'string' ? e.message : String(error);
  const message = raw
    .replace(/ - \d+:\d+$/, '')
    .replace(/ not defined in .*$/s, ' is not defined (strict mode: every variable must exist)')
    .replace(/^You specified knownHelpersOnly, but used the unknown helper (.*)$/, (_m, name: string) => {
      return `unknown helper "${name}" (the helpers are json, if, unless, each, with and lookup)`;
    });
  return {
    file,
    ...(typeof e.lineNumber === 'number' ? { line: e.lineNumber } : {}),
    ...(typeof e.column === 'number' ? { column: e.column + 1 } : {}),
    message,
  };
}

/**
 * The parser's errors say `Parse error on line 3:` followed by a picture of the spot and what it
 * expected, in the parser's own token names; the line and a plain reason are what a person needs.
 */
function parseProblem(error: unknown, source: string, file: string): PromptFileProblem {
  if (typeof (error as { lineNumber?: unknown }).lineNumber === 'number') return located(error, file);
  const raw = error instanceof Error ? error.message : String(error);
  const match = /^(?:Parse|Lexical) error on line (\d+)/.exec(raw);
  const lines = raw.split('\n');
  const expected = lines.length > 1 ? (lines[lines.length - 1] as string) : raw;
  if (/got 'EOF'$/.test(expected)) {
    const open = unclosedBlock(source);
    if (open)
      return { file, line: open.line, message: `{{#${open.name}}} is never closed with {{/${open.name}}}` };
  }
  if (!match) return { file, message: `does not parse: ${expected}` };
  const line = Number(match[1]);
  const text = source.split('\n')[line - 1]?.trim() ?? '';
  const reason = /got 'INVALID'$/.test(expected)
    ? 'a {{ }} that is not closed, or holds something other than names'
    : expected;
  return { file, line, message: `does not parse: ${reason}${text === '' ? '' : ` (in "${shorten(text)}")`}` };
}

/** The innermost block opened and never closed, by a plain scan of the tags (comments skipped). */
function unclosedBlock(source: string): { name: string; line: number } | undefined {
  const open: { name: string; line: number }[] = [];
  const tags = /\{\{!--[\s\S]*?--\}\}|\{\{![\s\S]*?\}\}|\{\{~?\s*([#^/])\s*([^\s}~]*)/g;
  for (const tag of source.matchAll(tags)) {
    const [, kind, name = ''] = tag;
    if (kind === '/') open.pop();
    // `{{^}}` alone is an else, not a block.
    else if (kind && name !== '') open.push({ name, line: source.slice(0, tag.index).split('\n').length });
  }
  return open.at(-1);
}

/** Partials and decorators would read other files or change how the file is read: not offered. */
function findUnsupported(node: unknown): Omit<PromptFileProblem, 'file'> | undefined {
  if (typeof node !== 'object' || node === null) return undefined;
  if (Array.isArray(node)) {
    for (const item of node) {
      const found = findUnsupported(item);
      if (found) return found;
    }
    return undefined;
  }
  const { type, loc } = node as { type?: unknown; loc?: Location };
  const kind =
    type === 'PartialStatement' || type === 'PartialBlockStatement'
      ? 'partials ({{> name}})'
      : type === 'Decorator' || type === 'DecoratorBlock'
        ? 'decorators ({{* name}})'
        : undefined;
  if (kind) {
    return {
      ...(loc ? { line: loc.start.line, column: loc.start.column + 1 } : {}),
      message: `${kind} are not supported in prompt files`,
    };
  }
  for (const [key, value] of Object.entries(node)) {
    if (key === 'loc') continue;
    const found = findUnsupported(value);
    if (found) return found;
  }
  return undefined;
}

function shorten(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
