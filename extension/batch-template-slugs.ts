/**
 * Where a batch file names templates, read from its text as it is being edited (comments and
 * trailing commas allowed, half-typed files too): the template slugs in `"templates"` with their
 * positions, the ones no template has, and whether a position is one where a slug goes. Knows
 * nothing of VS Code; `batch-file-assist.ts` turns these into completions and squiggles.
 */
import { findNodeAtLocation, getLocation, type Node, parseTree } from 'jsonc-parser';
import { closestName } from '../shared/closest-name';

/** A template slug written in the file: its value and the span of its string, quotes included. */
export interface SlugAt {
  slug: string;
  offset: number;
  length: number;
}

/** An unknown slug, with the message its squiggle shows. */
export interface SlugProblem extends SlugAt {
  message: string;
  /** The known slug it most likely meant, if one is close. */
  closest?: string;
}

/** The special value that means every template. */
export const ALL_TEMPLATES = 'all';

function templatesNode(text: string): Node | undefined {
  const root = parseTree(text, [], { allowTrailingComma: true, disallowComments: false });
  return root ? findNodeAtLocation(root, ['templates']) : undefined;
}

/** Every slug in the `"templates"` array, in order; none when it is `"all"` or not an array. */
export function templateSlugsAt(text: string): SlugAt[] {
  const node = templatesNode(text);
  if (node?.type !== 'array') return [];
  return (node.children ?? [])
    .filter((child) => child.type === 'string' && typeof child.value === 'string')
    .map((child) => ({ slug: child.value as string, offset: child.offset, length: child.length }));
}

/** The slugs no known template has, each naming the closest known slug when one is near. */
export function unknownSlugs(text: string, known: readonly string[]): SlugProblem[] {
  const knownSet = new Set(known);
  return templateSlugsAt(text)
    .filter((at) => !knownSet.has(at.slug))
    .map((at) => {
      const closest = closestName(at.slug, known);
      const message = `Unknown template "${at.slug}"${closest ? `: did you mean "${closest}"?` : ''} (no built-in or workspace template has this slug)`;
      return closest ? { ...at, message, closest } : { ...at, message };
    });
}

/**
 * What goes at `offset`: `slug` inside the `"templates"` array, `templates` as the property's value
 * (`"all"` or an array), nothing elsewhere. `inString` says the cursor is inside quotes already.
 */
export function slugPlace(
  text: string,
  offset: number,
): { kind: 'slug' | 'templates'; inString: boolean } | undefined {
  const location = getLocation(text, offset);
  if (location.isAtPropertyKey) return undefined;
  const inString = location.previousNode?.type === 'string';
  if (
    location.path.length === 2 &&
    location.path[0] === 'templates' &&
    typeof location.path[1] === 'number'
  ) {
    return { kind: 'slug', inString };
  }
  if (location.path.length === 1 && location.path[0] === 'templates') return { kind: 'templates', inString };
  return undefined;
}
