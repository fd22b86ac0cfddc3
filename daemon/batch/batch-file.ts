/**
 * Reads a batch file: JSON with comments and trailing commas, checked against the JSON schema the
 * extension ships, with no key given twice. Every problem is reported with its line and column,
 * also past a syntax error where the parser read on intact; a file with any problem yields no
 * config, so no job starts from half a batch.
 */
import type { ErrorObject } from 'ajv';
import {
  getNodePath,
  getNodeValue,
  type Node,
  type ParseError,
  parseTree,
  printParseErrorCode,
} from 'jsonc-parser';
import type { CheckLevel, GenerationOptions } from '../../shared/job';
import { modelIdProblem } from '../../shared/model-slug';
import { findExcessNesting, MAX_JSON_DEPTH } from '../json-depth';
import { checkOutputDir } from '../output-dir';
import { slugForFileName } from '../templates/slug-for-file-name';
import { findNode, intactIn, type Position, positionIn } from './batch-json-tree';
import validateBatch from './batch-validator.generated';

export interface BatchConfig {
  models: string[];
  templates: string[] | 'all';
  repeat: number;
  maxConcurrent?: number;
  outputDir?: string;
  budgetUsd?: number;
  /** Checks run on each app once its job has succeeded; absent: the workspace's setting (static). */
  checks?: CheckLevel[];
  options?: GenerationOptions;
}

export interface BatchProblem {
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  /** JSON path of the value, e.g. `models[1]`. */
  path: string;
  message: string;
}

export type JsonPath = (string | number)[];

export interface ParsedBatch {
  config?: BatchConfig;
  problems: BatchProblem[];
  /** Where a value sits in the file, for problems found later (an unknown template, say). */
  locate: (path: JsonPath, message: string) => BatchProblem;
}

/** A batch file lists models and templates; a larger file is refused rather than read. */
export const MAX_BATCH_FILE_BYTES = 1024 * 1024;

export interface ParseBatchOptions {
  /** The template slugs the workspace knows; with them, a listed slug none of them matches is a problem. */
  knownTemplates?: readonly string[];
  /**
   * Template files that were left out, with why: a listed slug that one of them would have had
   * (its file name) is unknown because of it, and the problem says so.
   */
  skippedTemplates?: readonly { file: string; reason: string }[];
}

/** A problem with the node it is about, so that one read from a damaged part of the file can be dropped. */
interface Finding {
  node: Node | undefined;
  problem: BatchProblem;
}

/** For a file with no tree to point into: every problem sits at its start. */
const noLocation = (path: JsonPath, message: string): BatchProblem => ({
  line: 1,
  column: 1,
  path: formatPath(path),
  message,
});

/**
 * Checks a batch file whole: its config, or every problem in it in file order (with
 * `knownTemplates`, a template slug none of them matches is one).
 */
export function parseBatchFile(source: string, options: ParseBatchOptions = {}): ParsedBatch {
  // Editors on Windows may save "UTF-8 with BOM"; the mark is not part of the JSON, nor a column.
  const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  const position = positionIn(text);
  if (text.trim() === '') {
    return { problems: [{ line: 1, column: 1, path: '', message: 'the file is empty' }], locate: noLocation };
  }
  // The parser and every walk of the value recurse per level: a file nested 200,000 deep is refused first.
  const deep = findExcessNesting(text, MAX_JSON_DEPTH, { comments: true });
  if (deep !== undefined) {
    const message = `values are nested deeper than ${MAX_JSON_DEPTH} levels`;
    return { problems: [{ ...position(deep), path: '', message }], locate: noLocation };
  }
  const parseErrors: ParseError[] = [];
  const root = parseTree(text, parseErrors, { allowTrailingComma: true, disallowComments: false });
  const locate = (path: JsonPath, message: string): BatchProblem => {
    const node = root ? nodeAt(root, path) : undefined;
    return { ...position(node?.offset ?? 0), path: formatPath(path), message };
  };
  const syntax: BatchProblem[] = parseErrors.map((e) => ({
    ...position(e.offset),
    path: '',
    message: `JSON syntax: ${describeParseError(printParseErrorCode(e.error))}`,
  }));
  if (!root) return { problems: syntax, locate };
  const value = getNodeValue(root) as unknown;
  const findings = [...duplicateKeys(root, position), ...schemaFindings(root, value, locate, position)];
  const outputDir = checkFolders(value, root, locate, findings);
  if (options.knownTemplates) {
    findings.push(
      ...unknownTemplates(root, options.knownTemplates, options.skippedTemplates ?? [], locate, findings),
    );
  }
  // The parser reads on past a syntax error; what it read intact is checked too, so one fix does not
  // reveal the next problem. What the error may have bent (a value cut short, a list that swallowed
  // the properties after it) is left to the syntax error alone.
  const intact = parseErrors.length > 0 ? intactIn(root, parseErrors) : () => true;
  const kept = findings.filter((f) => intact(f.node));
  const problems = sortProblems([...syntax, ...kept.map((f) => f.problem)]);
  if (problems.length > 0) return { problems, locate };
  const raw = value as Omit<BatchConfig, 'repeat'> & { repeat?: number };
  return {
    config: { ...raw, repeat: raw.repeat ?? 1, ...(outputDir !== undefined ? { outputDir } : {}) },
    problems: [],
    locate,
  };
}

/** What the schema the extension ships says of the value, each problem with the node it is about. */
function schemaFindings(
  root: Node,
  value: unknown,
  locate: ParsedBatch['locate'],
  position: Position,
): Finding[] {
  // The schema compiled ahead of time (scripts/batch-validator.mjs).
  if (validateBatch(value)) return [];
  const findings: Finding[] = [];
  for (const error of simplify(validateBatch.errors ?? [])) {
    // The folder checks say precisely what is wrong with it; the schema's pattern is for editors.
    if (error.keyword === 'not' && error.instancePath === '/outputDir') continue;
    const path = pointerToPath(error.instancePath);
    if (error.keyword === 'additionalProperties') {
      const extra = String((error.params as { additionalProperty: string }).additionalProperty);
      const keyNode = findNode(root, [...path, extra])?.parent?.children?.[0];
      findings.push({
        node: keyNode,
        problem: {
          ...position(keyNode?.offset ?? 0),
          path: formatPath([...path, extra]),
          message: `unknown property "${extra}"`,
        },
      });
    } else if (error.keyword === 'uniqueItems') {
      // Point at the repeated item itself, which is what the person has to delete.
      const { i, j } = error.params as { i: number; j: number };
      const [first, again] = [Math.min(i, j), Math.max(i, j)];
      const node = findNode(root, [...path, again]);
      const item = JSON.stringify(node ? getNodeValue(node) : undefined);
      const message = `${item} is listed twice (also at ${formatPath([...path, first])})`;
      findings.push({ node, problem: locate([...path, again], message) });
    } else {
      findings.push({ node: findNode(root, path), problem: locate(path, describe(path, error)) });
    }
  }
  return findings;
}

/**
 * What the schema cannot say about values that name folders: each model's slug must be one safe
 * folder name, and `outputDir` must lie inside the workspace and outside `.appgen/` and `.git/`.
 * Adds a finding for each; returns `outputDir` in normal form.
 */
function checkFolders(
  value: unknown,
  root: Node,
  locate: ParsedBatch['locate'],
  findings: Finding[],
): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { models, outputDir } = value as { models?: unknown; outputDir?: unknown };
  if (Array.isArray(models)) {
    models.forEach((model, i) => {
      const problem =
        typeof model === 'string' && model.trim() !== '' ? modelIdProblem(model.trim()) : undefined;
      if (problem !== undefined) {
        findings.push({ node: findNode(root, ['models', i]), problem: locate(['models', i], problem) });
      }
    });
  }
  if (typeof outputDir !== 'string') return undefined;
  const folder = checkOutputDir(outputDir);
  if (folder.ok) return folder.dir;
  findings.push({ node: findNode(root, ['outputDir']), problem: locate(['outputDir'], folder.problem) });
  return undefined;
}

/**
 * The slugs in a list of templates that no known template has. Only a list of strings is looked
 * at (the schema speaks of any other shape), and a slug that already has a problem of its own (not
 * a slug, listed twice) gets no second one.
 */
function unknownTemplates(
  root: Node,
  knownTemplates: readonly string[],
  skippedTemplates: readonly { file: string; reason: string }[],
  locate: ParsedBatch['locate'],
  findings: Finding[],
): Finding[] {
  const skipped = new Map(skippedTemplates.map((s) => [slugForFileName(s.file), s]));
  const list = findNode(root, ['templates']);
  if (list?.type !== 'array' || !list.children?.every((item) => item.type === 'string')) return [];
  const known = new Set(knownTemplates);
  const taken = new Set(findings.map((f) => f.node));
  return list.children.flatMap((item, i) => {
    const slug = item.value as string;
    if (known.has(slug) || taken.has(item)) return [];
    const why = skipped.get(slug);
    const message = `unknown template "${slug}"${why ? ` (${why.file} was skipped: ${why.reason})` : ''}`;
    return [{ node: item, problem: locate(['templates', i], message) }];
  });
}

/**
 * A key given twice in one object, at any depth: JSON keeps the last silently, so a batch could run
 * other models than the person sees first. Reported at the second key, naming where the first is.
 */
function duplicateKeys(root: Node, position: Position): Finding[] {
  const findings: Finding[] = [];
  const visit = (node: Node): void => {
    if (node.type === 'object') findings.push(...duplicatesIn(node, position));
    for (const child of node.children ?? []) visit(child);
  };
  visit(root);
  return findings;
}

function duplicatesIn(object: Node, position: Position): Finding[] {
  const first = new Map<string, Node>();
  const findings: Finding[] = [];
  for (const property of object.children ?? []) {
    const key = property.children?.[0];
    if (key?.type !== 'string') continue;
    const name = key.value as string;
    const earlier = first.get(name);
    if (!earlier) {
      first.set(name, key);
      continue;
    }
    const { line, column } = position(earlier.offset);
    findings.push({
      node: key,
      problem: {
        ...position(key.offset),
        path: formatPath([...getNodePath(object), name]),
        message: `duplicate key "${name}" (first at ${line}:${column})`,
      },
    });
  }
  return findings;
}

/** Formats problems for people, one per line: `file:line:column: path: message`. */
export function formatProblems(file: string, problems: BatchProblem[]): string {
  return problems
    .map((p) => `${file}:${p.line}:${p.column}: ${p.path ? `${p.path}: ` : ''}${p.message}`)
    .join('\n');
}

function nodeAt(root: Node, path: JsonPath): Node | undefined {
  // The deepest node that exists, so a problem inside a missing value points at its parent.
  for (let depth = path.length; depth >= 0; depth--) {
    const node = findNode(root, path.slice(0, depth));
    if (node) return node;
  }
  return root;
}

/**
 * A failed `oneOf` reports every branch. When the value has the shape of one branch (a list of
 * templates that is empty, say), keep that branch's specific errors; otherwise one clear message.
 */
function simplify(errors: ErrorObject[]): ErrorObject[] {
  const oneOfPaths = new Set(errors.filter((e) => e.keyword === 'oneOf').map((e) => e.instancePath));
  const isShapeMismatch = (e: ErrorObject) => e.keyword === 'type' || e.keyword === 'const';
  const specific = (path: string) =>
    errors.some(
      (e) =>
        e.instancePath.startsWith(`${path}/`) ||
        (e.instancePath === path && e.keyword !== 'oneOf' && !isShapeMismatch(e)),
    );
  return errors.filter((e) => {
    if (e.keyword === 'oneOf') return !specific(e.instancePath);
    if (oneOfPaths.has(e.instancePath) && isShapeMismatch(e)) return false;
    return !(e.keyword === 'if' || (e.keyword === 'not' && e.instancePath === ''));
  });
}

function describe(path: JsonPath, error: ErrorObject): string {
  const name = formatPath(path) || 'the file';
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return `missing required property "${params.missingProperty}"`;
    case 'oneOf':
      return name === 'templates' ? 'must be "all" or a list of template slugs' : 'has the wrong shape';
    case 'type':
      return `must be ${article(String(params.type))}`;
    case 'minItems':
      return `must list at least ${params.limit} item${params.limit === 1 ? '' : 's'}`;
    case 'minimum':
    case 'exclusiveMinimum':
    case 'maximum':
      return `must be ${error.keyword === 'maximum' ? '<=' : error.keyword === 'minimum' ? '>=' : '>'} ${params.limit}`;
    case 'not':
      return 'must be a folder inside the workspace';
    case 'enum':
      return `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'pattern':
      return path[0] === 'templates'
        ? 'is not a template slug (letters, digits, "_" and "-")'
        : 'must not be blank';
    default:
      return error.message ?? 'is invalid';
  }
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function describeParseError(code: string): string {
  return code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

function pointerToPath(pointer: string): JsonPath {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

function formatPath(path: JsonPath): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

function sortProblems(problems: BatchProblem[]): BatchProblem[] {
  return [...problems].sort((a, b) => a.line - b.line || a.column - b.column);
}
