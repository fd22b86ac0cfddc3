/**
 * How deeply a JSON text nests, found without parsing it. The parsers and every later walk of a
 * value recurse once per level, so a file nested 200,000 deep overflows the stack; it is refused
 * before any of them sees it.
 */

/** Deeper nesting than any template or batch file needs. */
export const MAX_JSON_DEPTH = 64;

/**
 * The offset of the first `{` or `[` that opens level `maxDepth + 1`, or undefined when the text
 * stays within `maxDepth`. Strings are skipped, and with `comments` (JSON with comments) so are
 * `//` and `/* *\/` comments. Malformed text is the parser's to report; it only bounds the depth.
 */
export function findExcessNesting(
  text: string,
  maxDepth: number = MAX_JSON_DEPTH,
  options: { comments?: boolean } = {},
): number | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      for (i++; i < text.length; i++) {
        const s = text.charCodeAt(i);
        if (s === 0x5c /* \ */) i++;
        else if (s === 0x22) break;
      }
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > maxDepth) return i;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      if (depth > 0) depth--;
    } else if (options.comments && c === 0x2f /* / */) {
      const next = text.charCodeAt(i + 1);
      if (next === 0x2f) {
        const end = text.indexOf('\n', i + 2);
        i = end === -1 ? text.length : end;
      } else if (next === 0x2a /* * */) {
        const end = text.indexOf('*/', i + 2);
        i = end === -1 ? text.length : end + 1;
      }
    }
  }
  return undefined;
}
