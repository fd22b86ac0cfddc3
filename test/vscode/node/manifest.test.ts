import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CommandIds, JOBS_VIEW_ID, VIEW_CONTAINER_ID } from '../../../extension/command-ids';
import { JOB_FILTERS } from '../../../extension/job-context-keys';
import { jobContextValue } from '../../../extension/job-presentation';
import { batchContextValue } from '../../../extension/tree-model';
import { JOB_STATUSES } from '../../../shared/job';
import { makeJob } from './job-fixtures';

const root = join(__dirname, '..', '..', '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const contributes = manifest.contributes;

interface MenuEntry {
  command: string;
  when?: string;
}

/** Every `viewItem =~ /.../` regex of a when clause. */
function viewItemPatterns(when: string | undefined): RegExp[] {
  return [...(when ?? '').matchAll(/viewItem =~ \/(.+?)\/(?:\s|$)/g)].map((match) => new RegExp(match[1]!));
}

describe('package.json contributions', () => {
  it('contributes exactly the commands the extension defines', () => {
    const contributed = (contributes.commands as { command: string }[]).map((entry) => entry.command).sort();
    assert.deepEqual(contributed, Object.values(CommandIds).sort());
  });

  it('names only contributed commands in menus', () => {
    const known = new Set(Object.values(CommandIds));
    for (const [menu, entries] of Object.entries(contributes.menus as Record<string, MenuEntry[]>)) {
      for (const entry of entries)
        assert.ok(known.has(entry.command as never), `${menu} names ${entry.command}`);
    }
  });

  it('shows job menus on context values that tree items really have', () => {
    const values = [
      ...JOB_STATUSES.flatMap((status) =>
        [0, 1].map((attempts) => jobContextValue(makeJob({ id: 'j', status, attempts }))),
      ),
      ...[true, false].flatMap((active) =>
        [true, false].map((retryable) =>
          batchContextValue({ batchId: 'b', folderKey: 'f', active, retryable }),
        ),
      ),
    ];
    for (const entry of contributes.menus['view/item/context'] as MenuEntry[]) {
      for (const pattern of viewItemPatterns(entry.when)) {
        assert.ok(
          values.some((value) => pattern.test(value)),
          `${entry.command}: ${pattern} matches no item`,
        );
      }
    }
    const cancel = (contributes.menus['view/item/context'] as MenuEntry[]).find(
      (entry) => entry.command === CommandIds.cancelJob,
    );
    const [pattern] = viewItemPatterns(cancel?.when);
    assert.deepEqual(
      values.filter((value) => pattern!.test(value)),
      ['job:queued', 'job:queued:raw', 'job:running', 'job:running:raw'],
    );
  });

  it('keeps generation commands out of the palette in untrusted workspaces', () => {
    const palette = contributes.menus.commandPalette as MenuEntry[];
    for (const id of [
      CommandIds.generateApp,
      CommandIds.runBatch,
      CommandIds.retryJob,
      CommandIds.importLegacyHistory,
    ]) {
      assert.match(palette.find((entry) => entry.command === id)?.when ?? '', /isWorkspaceTrusted/, id);
    }
    assert.equal(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
  });

  it('offers job commands in the palette only when the extension knows a job they act on', () => {
    const palette = contributes.menus.commandPalette as MenuEntry[];
    const expected: Record<string, string> = {
      [CommandIds.cancelJob]: JOB_FILTERS.unfinished.contextKey,
      [CommandIds.retryJob]: JOB_FILTERS.finished.contextKey,
      [CommandIds.openAppFolder]: JOB_FILTERS.succeeded.contextKey,
      [CommandIds.revealInExplorer]: JOB_FILTERS.succeeded.contextKey,
      [CommandIds.showRawResponse]: JOB_FILTERS.called.contextKey,
    };
    for (const [command, key] of Object.entries(expected)) {
      const when = palette.find((entry) => entry.command === command)?.when ?? '';
      assert.ok(when.split(/\s*&&\s*/).includes(key), `${command}: "${when}" does not require ${key}`);
    }
    // Every appgen.has* key a menu names is one the extension sets: an unset key hides a command for good.
    const known = new Set([
      'appgen.hasApiKey',
      ...Object.values(JOB_FILTERS).map((filter) => filter.contextKey),
    ]);
    for (const entries of Object.values(contributes.menus as Record<string, MenuEntry[]>)) {
      for (const entry of entries) {
        for (const [key] of (entry.when ?? '').matchAll(/\bappgen\.has[A-Za-z]+/g)) {
          assert.ok(known.has(key), `${entry.command} names unknown context key ${key}`);
        }
      }
    }
  });

  it('documents every setting, and none of them holds a key', () => {
    // test/unit/settings.test.ts holds the settings to shared/settings.ts.
    const properties = contributes.configuration.properties as Record<
      string,
      { markdownDescription?: string }
    >;
    for (const [key, property] of Object.entries(properties)) {
      assert.ok(property.markdownDescription, `${key} has no markdownDescription`);
    }
    assert.ok(
      !Object.keys(properties).some((key) => /key|secret|token$/i.test(key.replace('maxTokens', ''))),
    );
  });

  it('declares the jobs view in its container, with its icon and the batch schema shipped', () => {
    assert.equal(contributes.viewsContainers.activitybar[0].id, VIEW_CONTAINER_ID);
    assert.equal(contributes.views[VIEW_CONTAINER_ID][0].id, JOBS_VIEW_ID);
    for (const file of [
      contributes.viewsContainers.activitybar[0].icon,
      manifest.icon,
      contributes.jsonValidation[0].url,
    ]) {
      assert.ok(existsSync(join(root, file)), `${file} is missing`);
    }
  });

  it('whitelists in .vscodeignore every file the manifest points at', () => {
    const ignore = readFileSync(join(root, '.vscodeignore'), 'utf8');
    for (const file of [
      'dist/extension.js',
      'dist/daemon.js',
      'dist/undici-agent.js', // the daemon requires it on its first model call
      'dist/sql-wasm.wasm',
      'dist/prompts/*.hbs', // the daemon renders its prompts from them
      contributes.jsonValidation[0].url.replace(/^\.\//, ''),
      manifest.icon,
      contributes.viewsContainers.activitybar[0].icon,
    ]) {
      assert.ok(ignore.includes(`!${file}`), `${file} is not whitelisted`);
    }
  });
});
