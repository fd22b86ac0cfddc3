import { type ParseError, parse, printParseErrorCode } from 'jsonc-parser';
import { findExcessNesting, MAX_JSON_DEPTH } from '../json-depth';

export type StrictJsonResult = { ok: true; value: unknown } | { ok: false; reason: string };

// Keyed by name: the library's codes are a const enum, which isolated modules cannot read.
const DESCRIPTIONS: Record<string, string> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'invalid number',
  PropertyNameExpected: 'property name in double quotes expected',
  ValueExpected: 'value expected',
  ColonExpected: "':' expected",
  CommaExpected: "',' expected",
  CloseBraceExpected: "'}' expected",
  CloseBracketExpected: "']' expected",
  EndOfFileExpected: 'unexpected content after the end of the value',
  InvalidCommentToken: 'comments are not allowed in JSON',
  UnexpectedEndOfComment: 'unterminated comment',
  UnexpectedEndOfString: 'unterminated string (a string cannot contain a raw line break)',
  UnexpectedEndOfNumber: 'unterminated number',
  InvalidUnicode: 'invalid \\u escape',
  InvalidEscapeCharacter: 'invalid escape character',
  InvalidCharacter: 'invalid character in string',
};

/**
 * Parses standard JSON (no comments, no trailing commas), and on failure says where and why:
 * `invalid JSON at line 3, column 7 (offset 41): ':' expected`. A leading byte order mark is
 * tolerated because editors on Windows like to write one. Nesting deeper than MAX_JSON_DEPTH is
 * refused before parsing (see json-depth.ts).
 */
export function parseStrictJson(text: string): StrictJsonResult {
  const bom = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const source = text.slice(bom);
  if (source.trim() === '') return { ok: false, reason: 'invalid JSON: the file is empty' };

  const deep = findExcessNesting(source);
  if (deep !== undefined) {
    const { line, column } = lineAndColumn(source, deep);
    return {
      ok: false,
      reason: `invalid JSON at line ${line}, column ${column} (offset ${deep + bom}): nested deeper than ${MAX_JSON_DEPTH} levels`,
    };
  }
  // jsonc-parser is used for its error offsets only; JSON.parse stays the judge of validity.
  const errors: ParseError[] = [];
  parse(source, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  if (first !== undefined) return { ok: false, reason: describe(source, first, bom) };
  try {
    return { ok: true, value: JSON.parse(source) };
  } catch (error) {
    return { ok: false, reason: `invalid JSON: ${(error as Error).message}` };
  }
}

function describe(source: string, error: ParseError, bom: number): string {
  const { line, column } = lineAndColumn(source, error.offset);
  const what = isTrailingComma(source, error.offset)
    ? 'trailing comma'
    : (DESCRIPTIONS[printParseErrorCode(error.error)] ?? 'syntax error');
  const where =
    error.offset >= source.length ? 'at the end of the file' : `at line ${line}, column ${column}`;
  return `invalid JSON ${where} (offset ${error.offset + bom}): ${what}`;
}

function isTrailingComma(source: string, offset: number): boolean {
  const next = source[offset];
  if (next !== '}' && next !== ']') return false;
  let i = offset - 1;
  while (i >= 0 && /\s/.test(source[i]!)) i--;
  return source[i] === ',';
}

/** 1-based line and column of an offset; columns count UTF-16 units like editors' JSON diagnostics. */
function lineAndColumn(source: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, source.length);
  for (let i = 0; i < end; i++) {
    if (source.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}
