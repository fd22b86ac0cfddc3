import { DaemonError } from '../daemon-error';
import { backendFiles } from './backend-files';
import { fillPlaceholders } from './fill-placeholders';
import { frontendFiles } from './frontend-files';
import { rootFiles } from './root-files';

/** What a scaffold is rendered with. */
export interface ScaffoldVars {
  backendPort: number;
  frontendPort: number;
  /** Becomes the npm package name and the compose project name (see `projectNameFor`). */
  projectName: string;
}

export const DEFAULT_SCAFFOLD_VARS: Readonly<ScaffoldVars> = {
  backendPort: 5001,
  frontendPort: 8001,
  projectName: 'app',
};

/** One file of a rendered scaffold. */
export interface ScaffoldFile {
  /** App-relative posix path, e.g. `backend/app.py`. */
  path: string;
  content: string;
}

/**
 * The built-in Flask + React app skeleton with its placeholders filled, sorted by path. Missing
 * values take the defaults (5001, 8001, "app"). Throws `invalid_params` for a port outside 1-65535.
 */
export function renderScaffold(vars: Partial<ScaffoldVars> = {}): ScaffoldFile[] {
  const backendPort = checkPort('backendPort', vars.backendPort ?? DEFAULT_SCAFFOLD_VARS.backendPort);
  const frontendPort = checkPort('frontendPort', vars.frontendPort ?? DEFAULT_SCAFFOLD_VARS.frontendPort);
  const values = {
    backend_port: backendPort,
    frontend_port: frontendPort,
    project_name: projectNameFor(vars.projectName ?? DEFAULT_SCAFFOLD_VARS.projectName),
  };
  return Object.entries({ ...rootFiles, ...backendFiles, ...frontendFiles })
    .map(([path, content]) => ({ path, content: fillPlaceholders(content, values) }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * A project name both npm and docker compose accept: lower case, only `a-z 0-9 _ -`, starting with a
 * letter or digit; anything else becomes '-' (`openai/GPT-4.1 app1` -> `openai-gpt-4-1-app1`).
 */
export function projectNameFor(name: string): string {
  const cleaned = name
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, 100);
  return cleaned === '' ? DEFAULT_SCAFFOLD_VARS.projectName : cleaned;
}

function checkPort(name: string, port: number): number {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new DaemonError('invalid_params', `${name} must be a whole number from 1 to 65535, got ${port}`);
  }
  return port;
}
