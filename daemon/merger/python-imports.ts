const DOUBLE_QUOTE = 34;
const SINGLE_QUOTE = 39;

/** One import statement of a Python source. */
export interface PythonImport {
  /** The leading dots of a relative import (`from ..x import y` -> 2); 0 for an absolute one. */
  level: number;
  /** The dotted module after the dots (`a.b`); `''` in `from . import x`. */
  module: string;
  /** What a from-import takes (`from . import a, b as c` -> a, b); none for `import x`. */
  names: string[];
  /** 1-based line where the statement starts. */
  line: number;
}

/**
 * The top-level modules a Python source imports absolutely (`import a.b`, `from a.b import c` ->
 * `a`), in order of first use. Relative imports (`from . import x`, `from .models import y`) are
 * skipped. See `pythonImportStatements`.
 */
export function pythonImports(source: string): string[] {
  const modules = new Set<string>();
  for (const statement of pythonImportStatements(source)) {
    if (statement.level === 0) modules.add(statement.module.split('.')[0]!);
  }
  return [...modules];
}

// A parenthesised name list is followed this far (in characters) before it is given up on.
const MAX_PENDING_LENGTH = 10_000;

/**
 * Every import statement of a Python source, in order, also indented ones (inside functions, `try`
 * or `if`). Text inside triple-quoted strings and comments is skipped; backslash continuations and
 * parenthesised name lists are followed. Line-based, linear in the source length.
 */
export function pythonImportStatements(source: string): PythonImport[] {
  const statements: PythonImport[] = [];
  let openQuote: string | undefined;
  let pending = '';
  let pendingLine = 0;
  let lineNumber = 0;
  let start = 0;
  while (start < source.length) {
    let end = source.indexOf('\n', start);
    if (end === -1) end = source.length;
    let line = source.slice(start, end);
    if (line.endsWith('\r')) line = line.slice(0, -1);
    start = end + 1;
    lineNumber++;

    const inString = openQuote !== undefined;
    if (line.includes('"""') || line.includes("'''")) openQuote = quoteStateAfter(line, openQuote);
    if (inString) continue;
    if (pending === '') pendingLine = lineNumber;
    // Backslash continuation: `import a, \` followed by `b`.
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    const logical = pending + withoutComment(line);
    if (!logical.includes('import')) {
      pending = '';
      continue;
    }
    // `from x import (` ... `)` over several lines.
    const head = logical.trimStart();
    if (
      (head.startsWith('from') || head.startsWith('import')) &&
      opensParenthesis(logical) &&
      logical.length < MAX_PENDING_LENGTH
    ) {
      pending = `${logical} `;
      continue;
    }
    pending = '';
    for (const statement of logical.split(';')) {
      const parsed = parseStatement(statement.trim(), pendingLine);
      if (parsed !== undefined) statements.push(...parsed);
    }
  }
  return statements;
}

const FROM_STATEMENT = /^from[ \t]+(\.*)[ \t]*([A-Za-z_][\w.]*)?[ \t]+import\b(.*)$/;
const IMPORT_STATEMENT = /^import[ \t]+(.+)$/;
const DOTTED_NAME = /^[ \t(]*([A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*)(?=[ \t),]|$)/;

function parseStatement(statement: string, line: number): PythonImport[] | undefined {
  if (statement.startsWith('from')) {
    const from = FROM_STATEMENT.exec(statement);
    if (from === null) return undefined;
    const level = from[1]!.length;
    const module = from[2] ?? '';
    if (level === 0 && module === '') return undefined;
    const names: string[] = [];
    for (const part of from[3]!.replace(/[()]/g, ' ').split(',')) {
      const name = /^[ \t]*([A-Za-z_]\w*)/.exec(part);
      if (name !== null) names.push(name[1]!);
    }
    return [{ level, module, names, line }];
  }
  if (!statement.startsWith('import')) return undefined;
  const plain = IMPORT_STATEMENT.exec(statement);
  if (plain === null) return undefined;
  const imports: PythonImport[] = [];
  for (const part of plain[1]!.split(',')) {
    const name = DOTTED_NAME.exec(part);
    if (name !== null) imports.push({ level: 0, module: name[1]!, names: [], line });
  }
  return imports;
}

function opensParenthesis(text: string): boolean {
  const open = text.lastIndexOf('(');
  return open !== -1 && text.indexOf(')', open) === -1;
}

function withoutComment(line: string): string {
  const hash = line.indexOf('#');
  return hash === -1 ? line : line.slice(0, hash);
}

// Follows `"""` and `'''` across a line; returns the delimiter still open at its end, if any.
// One pass over the characters, so a line of nothing but quotes stays linear.
function quoteStateAfter(line: string, openQuote: string | undefined): string | undefined {
  let state = openQuote;
  let index = 0;
  while (index <= line.length - 3) {
    const code = line.charCodeAt(index);
    if (
      (code === DOUBLE_QUOTE || code === SINGLE_QUOTE) &&
      line.charCodeAt(index + 1) === code &&
      line.charCodeAt(index + 2) === code
    ) {
      const delimiter = code === DOUBLE_QUOTE ? '"""' : "'''";
      if (state === undefined) state = delimiter;
      else if (state === delimiter) state = undefined;
      index += 3;
    } else {
      index++;
    }
  }
  return state;
}
