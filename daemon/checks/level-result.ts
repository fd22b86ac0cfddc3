/**
 * What one check level found, in a shape every level shares, so that the summary, the details
 * file and the verdict do not depend on how a level works. A level that starts the app (smoke)
 * plugs in by returning one of these.
 */
import type { CheckLevel } from '../../shared/job';

/**
 * `error`: the app cannot run as it is (a syntax error, a server that does not start);
 * `problem`: it runs, but something it needs or calls is not there.
 */
export type FindingSeverity = 'error' | 'problem';

/** One thing wrong with the app. */
export interface CheckFinding {
  /** `python_syntax`, `js_syntax`, `unknown_route`, `unresolved_import`, `undeclared_dependency`, ... */
  kind: string;
  severity: FindingSeverity;
  /** App-relative, posix separators. */
  file?: string;
  /** 1-based. */
  line?: number;
  /** 1-based. */
  column?: number;
  message: string;
}

/** One endpoint of the template, as a level saw it. */
export interface EndpointResult {
  method: string;
  path: string;
  /** Static: the backend declares a route for it (method and path). */
  implemented: boolean;
  /** The backend route that serves it, as declared (`/api/todos/<int:id>`). */
  route?: string;
}

/** A part of a level that could not run (no Python interpreter, say), and why. */
export interface SkippedPart {
  part: string;
  reason: string;
}

export interface LevelResult {
  level: CheckLevel;
  /** `skipped`: the level did not run at all (`reason` says why) and judges nothing. */
  status: 'ran' | 'skipped';
  reason?: string;
  /** The template's endpoints as this level judged them; absent when it judges none. */
  endpoints?: EndpointResult[];
  findings: CheckFinding[];
  skippedParts?: SkippedPart[];
  /** What the level used and looked at, for people reading the details (`Python 3.11.7`, file counts). */
  notes?: string[];
  /** Every request a level that runs the app made, with what came back (smoke). */
  probes?: readonly object[];
}

/** A level that did not run. */
export function skippedLevel(level: CheckLevel, reason: string): LevelResult {
  return { level, status: 'skipped', reason, findings: [] };
}
