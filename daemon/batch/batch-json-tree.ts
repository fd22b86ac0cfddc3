/**
 * Facts about the tree jsonc-parser reads from a batch file, for placing its problems: where an
 * offset is (line and column), which node a path names, and which nodes a syntax error left as
 * written. Pure.
 */
import { type JSONPath, type Node, type ParseError, printParseErrorCode } from 'jsonc-parser';

export type Position = (offset: number) => { line: number; column: number };

/**
 * Whether a node was read as written, past syntax errors: neither it nor any value around it below
 * the top holds an error (a list left open takes in the properties after it, a value cut short
 * reads as another). A comma missing before a value the parser then read whole bends nothing.
 */
export function intactIn(root: Node, errors: ParseError[]): (node: Node | undefined) => boolean {
  const starts = new Set<number>();
  const collect = (node: Node): void => {
    starts.add(node.offset);
    for (const child of node.children ?? []) collect(child);
  };
  collect(root);
  const harmful = errors
    .filter((e) => !(printParseErrorCode(e.error) === 'CommaExpected' && starts.has(e.offset)))
    .map((e) => e.offset);
  const damaged = (node: Node) => harmful.some((o) => node.offset <= o && o <= node.offset + node.length);
  return (node) => {
    if (!node || damaged(node)) return false;
    for (let above = node.parent; above && above !== root; above = above.parent) {
      if (damaged(above)) return false;
    }
    return true;
  };
}

/** The node at `path`; of a key given twice, the last, whose value `getNodeValue` keeps. */
export function findNode(root: Node, path: JSONPath): Node | undefined {
  let node: Node | undefined = root;
  for (const segment of path) {
    const children: Node[] = node?.children ?? [];
    if (typeof segment === 'number') {
      node = node?.type === 'array' ? children[segment] : undefined;
    } else {
      const property =
        node?.type === 'object'
          ? children.findLast((p) => p.children?.length === 2 && p.children[0]!.value === segment)
          : undefined;
      node = property?.children?.[1];
    }
  }
  return node;
}

/** Line and column (from 1) of an offset in `text`. */
export function positionIn(text: string): Position {
  const lineStarts = computeLineStarts(text);
  return (offset) => {
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (lineStarts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - lineStarts[low]! + 1 };
  };
}

function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) === 10) starts.push(i + 1);
  }
  return starts;
}
