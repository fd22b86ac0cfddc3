/**
 * A mocha root hook: every temporary folder a suite makes (workspaces, databases, fixtures) goes
 * into one folder for the run, removed after the last test, so a test that cannot clean up after
 * itself (a killed daemon, a failed assertion) leaves nothing behind in the system's temp folder.
 * Loaded before the test files, so `os.tmpdir()` already answers with the run's folder for them.
 */
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Context } from 'mocha';

const root = mkdtempSync(join(tmpdir(), 'appgen-test-run-'));
process.env.TMPDIR = root;

export const mochaHooks = {
  async afterAll(this: Context): Promise<void> {
    // Hundreds of workspaces with their apps: on a busy disk removing them takes longer than a test.
    this.timeout(180_000);
    await rm(root, { recursive: true, force: true, maxRetries: 3 });
  },
};
