/** One fenced code block of a model's answer. */
export interface CodeBlock {
  /** The info string after the opening fence, trimmed (`jsx src/App.jsx`). */
  info: string;
  /** The body, without the opening fence's indentation, `\n` line ends; ends in `\n` unless empty. */
  content: string;
  /** 1-based line of the opening fence. */
  line: number;
}

/** What a scan found: the closed blocks, and the block left open at the end of the text, if any. */
export interface FenceScan {
  blocks: CodeBlock[];
  unclosed?: CodeBlock;
}

interface Fence {
  indent: number;
  char: '`' | '~';
  length: number;
  rest: string;
}

// Markdown allows 3 spaces; models also indent fences inside list items, so allow a few levels.
const MAX_OPENING_INDENT = 12;
// A closing fence may sit a little deeper than its opener, not arbitrarily deep: a fence-like
// line inside code (say, in a docstring) must not end the block.
const CLOSING_INDENT_SLACK = 3;
const TAB_WIDTH = 4;

/**
 * Finds the fenced code blocks (``` or ~~~, three or more) in a text, in one pass over its lines.
 *
 * A block ends at a line holding only a fence of the same character at least as long as the
 * opener, so a ```` fence can carry a markdown file with ``` blocks inside. Linear in the text's
 * length whatever it contains.
 */
export function scanFences(text: string): FenceScan {
  const blocks: CodeBlock[] = [];
  let open: { fence: Fence; info: string; line: number; bodyStart: number } | undefined;
  let lineNumber = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    lineNumber++;
    // Body lines are not copied one by one: a block's body is sliced out whole when it closes.
    const fence = parseFence(text, start, end);
    if (open === undefined) {
      if (fence !== undefined && fence.indent <= MAX_OPENING_INDENT && isValidInfo(fence)) {
        open = { fence, info: fence.rest.trim(), line: lineNumber, bodyStart: end + 1 };
      }
    } else if (fence !== undefined && closes(open.fence, fence)) {
      blocks.push({
        info: open.info,
        content: body(text, open.bodyStart, start, open.fence.indent),
        line: open.line,
      });
      open = undefined;
    }
    start = end + 1;
  }
  if (open === undefined) return { blocks };
  return {
    blocks,
    unclosed: {
      info: open.info,
      content: body(text, open.bodyStart, text.length, open.fence.indent),
      line: open.line,
    },
  };
}

// Reads a fence at the start of the line text[start, end), if there is one.
function parseFence(text: string, start: number, end: number): Fence | undefined {
  let column = 0;
  let index = start;
  while (index < end && (text[index] === ' ' || text[index] === '\t')) {
    column = text[index] === '\t' ? column + TAB_WIDTH - (column % TAB_WIDTH) : column + 1;
    index++;
    if (column > MAX_OPENING_INDENT + CLOSING_INDENT_SLACK) return undefined;
  }
  const char = text[index];
  if (char !== '`' && char !== '~') return undefined;
  let length = 0;
  while (index + length < end && text[index + length] === char) length++;
  if (length < 3) return undefined;
  const rest = text.slice(index + length, end);
  return { indent: column, char, length, rest: rest.endsWith('\r') ? rest.slice(0, -1) : rest };
}

// As in CommonMark, a backtick fence's info string cannot hold a backtick: such a line is inline code.
function isValidInfo(fence: Fence): boolean {
  return fence.char === '~' || !fence.rest.includes('`');
}

function closes(opener: Fence, fence: Fence): boolean {
  return (
    fence.char === opener.char &&
    fence.length >= opener.length &&
    fence.indent <= opener.indent + CLOSING_INDENT_SLACK &&
    fence.rest.trim() === ''
  );
}

// Removes up to `indent` columns of leading whitespace, as the opening fence was indented.
function stripIndent(line: string, indent: number): string {
  if (indent === 0) return line;
  let column = 0;
  let index = 0;
  while (index < line.length && column < indent && (line[index] === ' ' || line[index] === '\t')) {
    column = line[index] === '\t' ? column + TAB_WIDTH - (column % TAB_WIDTH) : column + 1;
    index++;
  }
  return line.slice(index);
}

// The body between two offsets: `\n` line ends, a final newline, the opener's indentation removed.
function body(text: string, from: number, to: number, indent: number): string {
  if (from >= to) return '';
  let content = text.slice(from, to);
  if (content.includes('\r')) content = content.replace(/\r(?=\n|$)/g, '');
  if (!content.endsWith('\n')) content += '\n';
  if (indent === 0) return content;
  const lines = content.split('\n');
  lines.pop();
  return `${lines.map((line) => stripIndent(line, indent)).join('\n')}\n`;
}
