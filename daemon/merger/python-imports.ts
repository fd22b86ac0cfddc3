// The first name of a dotted module path, `a` in `a.b.c` or `(a.b as c`; relative paths have none.
const LEADING_NAME = /^[ \t(]*([A-Za-z_][A-Za-z0-9_]*)(?=[. \t)]|$)/;
const IMPORT_STATEMENT = /^import[ \t]+(.+)$/;
const DOUBLE_QUOTE = 34;
const SINGLE_QUOTE = 39;
const FROM_STATEMENT = /^from[ \t]+(\S+)[ \t]+import\b/;

/**
 * The top-level modules a Python source imports absolutely (`import a.b`, `from a.b import c` ->
 * `a`), in order of first use. Relative imports (`from . import x`, `from .models import y`) and
 * text inside triple-quoted strings are skipped. Line-based, linear in the source length.
 */
export function pythonImports(source: string): string[] {
  const modules = new Set<string>();
  let openQuote: string | undefined;
  let pending = '';
  let start = 0;
  while (start < source.length) {
    let end = source.indexOf('\n', start);
    if (end === -1) end = source.length;
    let line = source.slice(start, end);
    if (line.endsWith('\r')) line = line.slice(0, -1);
    start = end + 1;

    const inString = openQuote !== undefined;
    if (line.includes('"""') || line.includes("'''")) openQuote = quoteStateAfter(line, openQuote);
    if (inString) continue;
    // Backslash continuation: `import a, \` followed by `b`.
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    const logical = pending + line;
    pending = '';
    if (!logical.includes('import')) continue;
    for (const statement of withoutComment(logical).split(';')) {
      for (const module of statementModules(statement.trim())) modules.add(module);
    }
  }
  return [...modules];
}

function statementModules(statement: string): string[] {
  if (statement.startsWith('from')) {
    const from = FROM_STATEMENT.exec(statement);
    const top = from === null ? null : LEADING_NAME.exec(from[1]!);
    return top === null ? [] : [top[1]!];
  }
  if (!statement.startsWith('import')) return [];
  const plain = IMPORT_STATEMENT.exec(statement);
  if (plain === null) return [];
  const modules: string[] = [];
  for (const part of plain[1]!.split(',')) {
    const top = LEADING_NAME.exec(part);
    if (top !== null) modules.push(top[1]!);
  }
  return modules;
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
