/** One fenced code block of a model's answer. */
export interface CodeBlock {
  /** The info string after the opening fence, trimmed (`jsx src/App.jsx`). */
  info: string;
  /** The body, without the opening fence's indentation, `\n` line ends; ends in `\n` unless empty. */
  content: string;
  /** 1-based line of the opening fence. */
  line: number;
  /**
   * The last non-blank line of prose before the opening fence, trimmed, when there is one since
   * the previous block closed (think sections do not count as prose).
   */
  lead?: string;
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
 *
 * Reasoning drafts are not blocks: a line outside any block that starts with `<think>` (or
 * `<thinking>`) opens a think section, which ends just after the matching closing tag, wherever it
 * is on a later line; a section never closed runs to the end of the text. A first closing tag at
 * the start of a line with no section before it (some providers drop the opening tag) makes
 * everything before it think.
 */
export function scanFences(text: string): FenceScan {
  let blocks: CodeBlock[] = [];
  let open: { fence: Fence; info: string; line: number; bodyStart: number; lead?: string } | undefined;
  // The last non-blank prose line since the previous block, as offsets: sliced only when a fence opens.
  let leadStart = -1;
  let leadEnd = -1;
  let sawThink = false;
  let lineNumber = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    lineNumber++;
    let proseFrom = start;
    const tag = open === undefined ? thinkTagAt(text, start, end) : undefined;
    if (tag?.closing && !sawThink) {
      sawThink = true;
      blocks = [];
      leadStart = -1;
      proseFrom = tag.end;
    } else if (tag !== undefined && !tag.closing) {
      sawThink = true;
      leadStart = -1;
      // Found once, not looked for line by line: a text of many open tags stays linear.
      const close = text.indexOf(tag.close, tag.end);
      if (close === -1) break;
      for (let index = text.indexOf('\n', start); index !== -1 && index < close; ) {
        lineNumber++;
        start = index + 1;
        index = text.indexOf('\n', start);
      }
      end = text.indexOf('\n', close);
      if (end === -1) end = text.length;
      proseFrom = close + tag.close.length;
    }
    // Body lines are not copied one by one: a block's body is sliced out whole when it closes.
    const fence = proseFrom === start ? parseFence(text, start, end) : undefined;
    if (open === undefined) {
      if (fence !== undefined && fence.indent <= MAX_OPENING_INDENT && isValidInfo(fence)) {
        const lead = leadStart === -1 ? undefined : text.slice(leadStart, leadEnd).trim();
        open = { fence, info: fence.rest.trim(), line: lineNumber, bodyStart: end + 1, lead };
        leadStart = -1;
      } else if (!isBlank(text, proseFrom, end)) {
        leadStart = proseFrom;
        leadEnd = end;
      }
    } else if (fence !== undefined && closes(open.fence, fence)) {
      const content = body(text, open.bodyStart, start, open.fence.indent);
      blocks.push(withLead({ info: open.info, content, line: open.line }, open.lead));
      open = undefined;
    }
    start = end + 1;
  }
  if (open === undefined) return { blocks };
  const content = body(text, open.bodyStart, text.length, open.fence.indent);
  return { blocks, unclosed: withLead({ info: open.info, content, line: open.line }, open.lead) };
}

const OPEN_THINK = /^[ \t]*<(\/?)(think|thinking)>/i;

// A think tag at the start of the line text[start, end), if there is one.
function thinkTagAt(
  text: string,
  start: number,
  end: number,
): { closing: boolean; close: string; end: number } | undefined {
  // Only a line starting with `<` can hold a tag: most lines cost one comparison.
  let index = start;
  while (index < end && (text[index] === ' ' || text[index] === '\t')) index++;
  if (text[index] !== '<') return undefined;
  const match = OPEN_THINK.exec(text.slice(index, Math.min(end, index + 12)));
  if (match === null) return undefined;
  return {
    closing: match[1] === '/',
    close: `</${match[2]!.toLowerCase()}>`,
    end: index + match[0].length,
  };
}

function withLead(block: CodeBlock, lead: string | undefined): CodeBlock {
  return lead === undefined ? block : { ...block, lead };
}

function isBlank(text: string, from: number, to: number): boolean {
  for (let index = from; index < to; index++) {
    const char = text[index];
    if (char !== ' ' && char !== '\t' && char !== '\r') return false;
  }
  return true;
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
