/** Folders and files for the app store's tests, on a real temporary workspace. */
import { lstatSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { FileWrite } from '../../daemon/app-store';

export const APP = 'generated/apps/sim_alpha/app1';
export const PARENT = 'generated/apps/sim_alpha';

export const SCAFFOLD: FileWrite[] = [
  { path: '.env', content: 'BACKEND_PORT=5001\n' },
  { path: 'backend/app.py', content: '# scaffold\n' },
  { path: 'frontend/package.json', content: '{}\n' },
];

export function read(root: string, path: string): string {
  return readFileSync(join(root, path), 'utf8');
}

export function write(root: string, path: string, content: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), content);
}

/** Every file under `root` with its content, links listed as `-> target` and never followed. */
export function snapshot(root: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const entry of readdirSync(root, { recursive: true, encoding: 'utf8' })) {
    const path = join(root, entry);
    const stats = lstatSync(path);
    if (stats.isSymbolicLink()) found[entry] = '-> link';
    else if (stats.isFile()) found[entry] = readFileSync(path, 'utf8');
  }
  return found;
}

/** The permission bits of a path (links followed). */
export function modeOf(path: string): number {
  return statSync(path).mode & 0o777;
}

/** Commit folders left beside the apps of `parent` (workspace-relative). */
export function commitFolders(workspace: string, parent = PARENT): string[] {
  try {
    return readdirSync(join(workspace, parent)).filter((name) => name.startsWith('.appgen-staging-'));
  } catch {
    return [];
  }
}

/** An error as Node's file system functions throw it. */
export function fsError(code: string, syscall: string, path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: simulated, ${syscall} '${path}'`), { code, syscall, path });
}
