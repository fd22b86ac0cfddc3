/**
 * For the smoke check tests: the fixture apps (test/fixtures/apps/smoke-*), the interpreter they
 * need, a fingerprint of a folder's files, and what is left alive of a check, read from /proc on
 * its own (not through the code under test).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { findPython } from '../../daemon/checks/smoke/find-python';
import type { TemplateEndpoint } from '../../daemon/templates/template';

export const FIXTURE_APPS = resolve(__dirname, '../fixtures/apps');

export function fixtureApp(name: string): {
  appDir: string;
  template: { api_endpoints: TemplateEndpoint[] };
} {
  const appDir = join(FIXTURE_APPS, `smoke-${name}`);
  return { appDir, template: JSON.parse(readFileSync(join(appDir, 'template.json'), 'utf8')) };
}

/** Skips the suite (saying why) when no Python here can import flask and flask_cors. */
export async function needPython(context: Mocha.Context): Promise<void> {
  const python = await findPython();
  if (!python.ok) {
    process.stderr.write(`[smoke tests skipped] ${python.reason}\n`);
    context.skip();
  }
}

/** A new folder for one check's sandbox, so that what it leaves can be looked for. */
export function tempRoot(): string {
  return mkdtempSync(join(tmpdir(), 'smoke-root-'));
}

/** Every file's path, mode and content under `dir`, hashed. */
export function fingerprint(dir: string): string {
  const hash = createHash('sha256');
  const walk = (folder: string): void => {
    for (const name of readdirSync(folder).sort()) {
      const path = join(folder, name);
      const stat = statSync(path);
      hash.update(`${relative(dir, path)}\0${stat.mode}\0`);
      if (stat.isDirectory()) walk(path);
      else hash.update(readFileSync(path));
    }
  };
  walk(dir);
  return hash.digest('hex');
}

/** Living processes whose working folder, command line or environment mention `folder`. */
export function processesMentioning(folder: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8').replaceAll('\0', ' ');
      let cwd = '';
      try {
        cwd = readlinkSync(`/proc/${name}/cwd`);
      } catch {
        // Not ours to read.
      }
      const environ = readFileSync(`/proc/${name}/environ`, 'utf8');
      if (cwd.startsWith(folder) || cmdline.includes(folder) || environ.includes(folder)) {
        found.push(`${name}: ${cmdline.trim()} (cwd ${cwd})`);
      }
    } catch {
      // Ended meanwhile, or another user's.
    }
  }
  return found;
}
