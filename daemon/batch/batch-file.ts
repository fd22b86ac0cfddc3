/**
 * Reads a batch file: JSON with comments and trailing commas, checked against the JSON schema the
 * extension ships. Every problem is reported with its line and column; a file with any problem
 * yields no config, so no job starts from half a batch.
 */
import type { ErrorObject } from 'ajv';
import {
  findNodeAtLocation,
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

/** For a file with no tree to point into: every problem sits at its start. */
const noLocation = (path: JsonPath, message: string): BatchProblem => ({
  line: 1,
  column: 1,
  path: formatPath(path),
  message,
});

export function parseBatchFile(source: string): ParsedBatch {
  // Editors on Windows may save "UTF-8 with BOM"; the mark is not part of the JSON, nor a column.
  const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  const lineStarts = computeLineStarts(text);
  const position = (offset: number) => {
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (lineStarts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - lineStarts[low]! + 1 };
  };
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
  const problems: BatchProblem[] = parseErrors.map((e) => ({
    ...position(e.offset),
    path: '',
    message: `JSON syntax: ${describeParseError(printParseErrorCode(e.error))}`,
  }));
  if (problems.length > 0 || !root) return { problems, locate };
  const value = getNodeValue(root) as unknown;
  // The schema the extension ships, compiled ahead of time (scripts/batch-validator.mjs).
  if (!validateBatch(value)) {
    for (const error of simplify(validateBatch.errors ?? [])) {
      // The folder checks below say precisely what is wrong with it; the schema's pattern is for editors.
      if (error.keyword === 'not' && error.instancePath === '/outputDir') continue;
      const path = pointerToPath(error.instancePath);
      if (error.keyword === 'additionalProperties') {
        const extra = String((error.params as { additionalProperty: string }).additionalProperty);
        const keyNode = root ? findNodeAtLocation(root, [...path, extra])?.parent?.children?.[0] : undefined;
        problems.push({
          ...position(keyNode?.offset ?? 0),
          path: formatPath([...path, extra]),
          message: `unknown property "${extra}"`,
        });
      } else if (error.keyword === 'uniqueItems') {
        // Point at the repeated item itself, which is what the person has to delete.
        const { i, j } = error.params as { i: number; j: number };
        const [first, again] = [Math.min(i, j), Math.max(i, j)];
        const item = getNodeValue(nodeAt(root, [...path, again])!) as unknown;
        problems.push(
          locate(
            [...path, again],
            `${JSON.stringify(item)} is listed twice (also at ${formatPath([...path, first])})`,
          ),
        );
      } else if (error.keyword === 'required') {
        const missing = String((error.params as { missingProperty: string }).missingProperty);
        problems.push(locate(path, `missing required property "${missing}"`));
      } else {
        problems.push(locate(path, describe(path, error)));
      }
    }
  }
  const outputDir = checkFolders(value, locate, problems);
  if (problems.length > 0) return { problems: sortProblems(problems), locate };
  const raw = value as Omit<BatchConfig, 'repeat'> & { repeat?: number };
  return {
    config: { ...raw, repeat: raw.repeat ?? 1, ...(outputDir !== undefined ? { outputDir } : {}) },
    problems: [],
    locate,
  };
}

/**
 * What the schema cannot say about values that name folders: each model's slug must be one safe
 * folder name, and `outputDir` must lie inside the workspace and outside `.appgen/` and `.git/`.
 * Returns `outputDir` in normal form.
 */
function checkFolders(
  value: unknown,
  locate: ParsedBatch['locate'],
  problems: BatchProblem[],
): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { models, outputDir } = value as { models?: unknown; outputDir?: unknown };
  if (Array.isArray(models)) {
    models.forEach((model, i) => {
      const problem =
        typeof model === 'string' && model.trim() !== '' ? modelIdProblem(model.trim()) : undefined;
      if (problem !== undefined) problems.push(locate(['models', i], problem));
    });
  }
  if (typeof outputDir !== 'string') return undefined;
  const folder = checkOutputDir(outputDir);
  if (folder.ok) return folder.dir;
  problems.push(locate(['outputDir'], folder.problem));
  return undefined;
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
    const node = findNodeAtLocation(root, path.slice(0, depth));
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

function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) === 10) starts.push(i + 1);
  }
  return starts;
}

function sortProblems(problems: BatchProblem[]): BatchProblem[] {
  return [...problems].sort((a, b) => a.line - b.line || a.column - b.column);
}
