import { looksLikePath } from './info-string';

// A first line longer than this is code, not a file-name comment.
const MAX_COMMENT_LENGTH = 300;
// `# file: app.py`, `// src/App.jsx`, `/* src/App.css */`, `<!-- index.html -->`, `-- schema.sql`.
const PATH_COMMENT =
  /^[ \t]*(?:#|\/\/|\/\*+|<!--|--|;)[ \t]*(?:(?:file|filename|filepath|path)[ \t]*:[ \t]*)?(\S+?)[ \t]*(?:\*+\/|-->)?[ \t]*$/i;
const LABELLED = /^[ \t]*(?:#|\/\/|\/\*+|<!--|--|;)[ \t]*(?:file|filename|filepath|path)[ \t]*:/i;
const LAST_SEGMENT_EXTENSION = /(?:^|[/\\])[^/\\]*[^/\\.]\.[A-Za-z][A-Za-z0-9]{0,9}$/;

/** A path named by a block's first-line comment. */
export interface PathComment {
  path: string;
  /** Index just past the comment line, for callers that drop the line. */
  end: number;
}

/**
 * Reads a file path from the first non-blank line of a block when that line is only a comment
 * naming a file: `# file: app.py`, `// src/App.jsx`. Without a `file:` label the name must end in
 * a file extension, so ordinary comments (`# /api/todos`, `// Main component`) are not taken as paths.
 */
export function readPathComment(content: string): PathComment | undefined {
  let start = 0;
  while (start < content.length) {
    let end = content.indexOf('\n', start);
    if (end === -1) end = content.length;
    const line = content.slice(start, end);
    if (line.trim() === '') {
      start = end + 1;
      continue;
    }
    if (line.length > MAX_COMMENT_LENGTH) return undefined;
    const match = PATH_COMMENT.exec(line);
    if (match === null) return undefined;
    const path = match[1]!;
    const labelled = LABELLED.test(line);
    if (path.includes('://') || (!labelled && !(looksLikePath(path) && LAST_SEGMENT_EXTENSION.test(path)))) {
      return undefined;
    }
    return { path, end: Math.min(end + 1, content.length) };
  }
  return undefined;
}
