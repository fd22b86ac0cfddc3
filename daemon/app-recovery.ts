/**
 * Recovery at start: finishes or rolls back the commits a crash interrupted, from their journals,
 * and removes what an older AppGen left in `.appgen/staging/`. It acts only on paths it derives
 * itself from a journal's job id and app path (`app-place.ts`), inside the workspace, every folder
 * on the way checked with lstat not to be a link. A journal or folder that does not fit is refused
 * and reported, and nothing it names is moved or removed.
 */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { COMMITS_FOLDER, LEGACY_STAGING_FOLDER } from '../shared/workspace-layout';
import { appPlace } from './app-place';
import type { AppStoreFs } from './app-store';
import { type CommitJournal, parseJournal } from './commit-journal';
import { readFileNoFollowSync } from './private-file';
import { existingFolders, lstatOrUndefined } from './workspace-folder';

export interface RecoveryContext {
  workspace: string;
  fs: Pick<AppStoreFs, 'rename'>;
}

/** Returns what it did and what it refused, one line each, for the log. */
export async function recoverCommits(ctx: RecoveryContext): Promise<string[]> {
  const actions: string[] = [];
  for (const name of ownFolderEntries(ctx, COMMITS_FOLDER, actions)) {
    const rel = `${COMMITS_FOLDER}/${name}`;
    const file = absolute(ctx.workspace, rel);
    if (!lstatOrUndefined(file)?.isFile()) {
      actions.push(`ignored "${rel}": not a file`);
      continue;
    }
    let journal: CommitJournal | string;
    try {
      journal = parseJournal(name, readFileNoFollowSync(file));
    } catch (error) {
      journal = messageOf(error);
    }
    if (typeof journal === 'string') {
      actions.push(`ignored the commit journal "${rel}": ${journal}; nothing it names was moved or removed`);
    } else {
      try {
        actions.push(...recoverCommit(ctx, journal));
      } catch (error) {
        actions.push(
          `refused to recover the commit of job ${journal.jobId}: ${messageOf(error)} Nothing was moved or removed.`,
        );
      }
    }
    rmSync(file, { force: true });
  }
  // Older versions staged under `.appgen/staging/`; `rmSync` removes a link there, never its target.
  for (const name of ownFolderEntries(ctx, LEGACY_STAGING_FOLDER, actions)) {
    rmSync(absolute(ctx.workspace, `${LEGACY_STAGING_FOLDER}/${name}`), { recursive: true, force: true });
    actions.push(`removed staging folder ${name}`);
  }
  return actions;
}

/** One journal's commit: puts the right app in place, then removes the commit's folder. */
function recoverCommit(ctx: RecoveryContext, journal: CommitJournal): string[] {
  const place = appPlace(ctx.workspace, journal.appPath, journal.jobId);
  // Each check throws on a link or a file on the way, which refuses the whole journal.
  const present = (rel: string) => existingFolders(ctx.workspace, rel) === rel.split('/').length;
  const actions: string[] = [];
  if (!present(place.containerRel)) return actions; // the crash came before the commit made its folder
  if (!present(place.appPath)) {
    if (present(place.readyRel)) {
      // The old app had been moved away (kept as a version): the new one, built whole, goes in.
      ctx.fs.rename(place.ready, place.app);
      actions.push(`completed an interrupted commit of ${place.appPath}`);
    } else if (present(place.previousRel)) {
      ctx.fs.rename(place.previous, place.app);
      actions.push(`put back ${place.appPath} as it was before an interrupted commit`);
    }
  }
  if (present(place.versionsRel) && present(place.copyingRel)) {
    rmSync(place.copying, { recursive: true, force: true });
    actions.push(`removed an unfinished copy of a version of ${place.appPath}`);
  }
  const unfinished = present(place.nextRel) || present(place.readyRel);
  rmSync(place.container, { recursive: true, force: true });
  actions.push(
    unfinished
      ? `rolled back an unfinished commit of ${place.appPath}`
      : `removed the commit folder of job ${place.jobId} beside ${place.appPath}`,
  );
  return actions;
}

/** The entries of a folder of the daemon's own; none, and a line saying why, if it is a link. */
function ownFolderEntries(ctx: RecoveryContext, rel: string, actions: string[]): string[] {
  try {
    if (!(existingFolders(ctx.workspace, rel) === rel.split('/').length)) return [];
    return readdirSync(absolute(ctx.workspace, rel)).sort();
  } catch (error) {
    actions.push(`left "${rel}" alone: ${messageOf(error)}`);
    return [];
  }
}

function absolute(workspace: string, rel: string): string {
  return join(workspace, ...rel.split('/'));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
