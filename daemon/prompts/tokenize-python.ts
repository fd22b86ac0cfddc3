/** A lexical token of Python source, as coarse as reading Flask routes needs. */
export interface PythonToken {
  /**
   * `name`: identifier or keyword; `string`: a plain string literal (value decoded); `fstring`: an
   * f-string, whose value is not known; `op`: punctuation; `other`: numbers and anything else.
   */
  kind: 'name' | 'string' | 'fstring' | 'op' | 'other';
  value: string;
  /** First token on its physical line. */
  lineStart: boolean;
}

const STRING_PREFIX = /^(?:[rubf]|br|rb|fr|rf)$/i;
const TWO_CHAR_OPS = new Set(['==', '!=', '<=', '>=', '->', '**', '//', ':=']);
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"' };

/**
 * Splits Python source into tokens in one pass (linear time): comments are dropped, strings (with
 * prefixes, triple quotes and escapes) become one token each. Unterminated strings end at the end of
 * their line (or of the text, for triple quotes) instead of failing, since model output can be broken.
 */
export function tokenizePython(source: string): PythonToken[] {
  const tokens: PythonToken[] = [];
  const length = source.length;
  let i = 0;
  let lineStart = true;

  const push = (kind: PythonToken['kind'], value: string) => {
    tokens.push({ kind, value, lineStart });
    lineStart = false;
  };

  while (i < length) {
    const ch = source[i]!;
    if (ch === '\n') {
      lineStart = true;
      i++;
    } else if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\f' || ch === '\\') {
      i++;
    } else if (ch === '#') {
      while (i < length && source[i] !== '\n') i++;
    } else if (ch === '"' || ch === "'") {
      i = readString(source, i, '', push);
    } else if (isNameStart(ch)) {
      const start = i;
      while (i < length && isNamePart(source[i]!)) i++;
      const name = source.slice(start, i);
      if ((source[i] === '"' || source[i] === "'") && STRING_PREFIX.test(name)) {
        i = readString(source, i, name.toLowerCase(), push);
      } else {
        push('name', name);
      }
    } else if (ch >= '0' && ch <= '9') {
      const start = i;
      while (i < length && (isNamePart(source[i]!) || source[i] === '.')) i++;
      push('other', source.slice(start, i));
    } else {
      const pair = source.slice(i, i + 2);
      const op = TWO_CHAR_OPS.has(pair) ? pair : ch;
      push('op', op);
      i += op.length;
    }
  }
  return tokens;
}

/** Reads the string literal whose opening quote is at `start`; returns the index after it. */
function readString(
  source: string,
  start: number,
  prefix: string,
  push: (kind: PythonToken['kind'], value: string) => void,
): number {
  const quote = source[start]!;
  const triple = source.startsWith(quote.repeat(3), start);
  const raw = prefix.includes('r');
  let i = start + (triple ? 3 : 1);
  let value = '';
  while (i < source.length) {
    const ch = source[i]!;
    if (triple ? source.startsWith(quote.repeat(3), i) : ch === quote) {
      i += triple ? 3 : 1;
      break;
    }
    if (!triple && ch === '\n') break;
    if (ch === '\\' && i + 1 < source.length) {
      const next = source[i + 1]!;
      value += raw ? ch + next : (ESCAPES[next] ?? (next === '\n' ? '' : ch + next));
      i += 2;
      continue;
    }
    value += ch;
    i++;
  }
  push(prefix.includes('f') ? 'fstring' : 'string', value);
  return i;
}

function isNameStart(ch: string): boolean {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch === '_' || ch > '\x7f';
}

function isNamePart(ch: string): boolean {
  return isNameStart(ch) || (ch >= '0' && ch <= '9');
}
