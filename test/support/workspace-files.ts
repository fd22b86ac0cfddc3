/** Reading what a daemon left in a workspace folder. */
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** Every file under `root`, as posix paths relative to it, sorted. */
export function listFiles(root: string): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const path = join(dir, name);
      // Links are listed, never followed: a link may lead out of the folder.
      if (lstatSync(path).isDirectory()) walk(path);
      else files.push(relative(root, path).split(sep).join('/'));
    }
  };
  walk(root);
  return files.sort();
}

/** Files under `root` (binary ones included) whose bytes contain `needle`. */
export function filesContaining(root: string, needle: string): string[] {
  const bytes = Buffer.from(needle, 'utf8');
  return listFiles(root).filter(
    (file) => lstatSync(join(root, file)).isFile() && readFileSync(join(root, file)).includes(bytes),
  );
}

/** Reads a workspace file as text. */
export function readText(root: string, path: string): string {
  return readFileSync(join(root, path), 'utf8');
}

/** The names in `dir`, or none when it does not exist. */
export function entriesOrEmpty(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir) : [];
}
