/**
 * Parses the frontend's JavaScript and JSX with acorn and its JSX plugin (bundled into the daemon;
 * nothing runs), the way Vite reads it: the latest syntax, ES modules (`.cjs` as scripts). A file
 * that does not parse gives one finding with the line, column and message of its first error.
 */
// Required, not imported: acorn-jsx requires acorn, and an import would bundle acorn's ES module
// build beside the CommonJS one that acorn-jsx gets (two copies, 200 KB more).
import acorn = require('acorn');
import jsx = require('acorn-jsx');

import type { CheckFinding } from './level-result';

type Node = acorn.Node;
const JsxParser = acorn.Parser.extend(jsx());

export type ParsedJs = { ok: true; program: Node } | { ok: false; finding: CheckFinding };

/** The syntax tree of one file (`file` is app-relative), or its syntax error. */
export function parseJavaScript(file: string, source: string): ParsedJs {
  try {
    const program = JsxParser.parse(source, {
      ecmaVersion: 'latest',
      sourceType: file.endsWith('.cjs') ? 'script' : 'module',
      locations: true,
      allowHashBang: true,
    });
    return { ok: true, program };
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    const loc = (error as SyntaxError & { loc?: { line: number; column: number } }).loc;
    return {
      ok: false,
      finding: {
        kind: 'js_syntax',
        severity: 'error',
        file,
        ...(loc ? { line: loc.line, column: loc.column + 1 } : {}),
        // acorn ends its messages with "(line:column)", which the finding carries on its own.
        message: error.message.replace(/ \(\d+:\d+\)$/, ''),
      },
    };
  }
}
