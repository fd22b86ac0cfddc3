/**
 * Writes generated apps. A commit builds the new app in a folder of its own next to the app (a
 * copy of the current app, or the scaffold for a new one), then swaps it in: a new app with one
 * rename, an existing one with two, its old version kept under `.appgen/versions/`. A reader never
 * sees half an app and a crash leaves the old or the new one; `recover` finishes or rolls back what
 * a crash interrupted (see `app-recovery.ts`).
 *
 * Links: the app folder and every folder above it up to the workspace, the versions folders and
 * the journal folder must be real folders; a symbolic link there fails the commit with
 * `unsafe_path` naming the link, before anything is written or moved (`workspace-folder.ts`).
 * Inside the app, a link is copied as a link and never written through (`checkPath`).
 *
 * File systems: the commit's folder sits beside the app, so the swap's renames stay on the app's
 * file system even when the output folder is a mount; the old version is copied to `.appgen/`
 * when a rename there says EXDEV. What the daemon keeps for itself (journals, the commit's folder,
 * versions) is readable by the user only; the app itself gets ordinary modes.
 */
import { promises as fs, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, posix, relative, sep } from 'node:path';
import {
  COMMITS_FOLDER,
  commitJournalName,
  modelFolder,
  parseAppFolderName,
  STATE_FOLDER,
  versionFolderName,
} from '../shared/workspace-layout';
import { type AppPlace, appPlace } from './app-place';
import { recoverCommits } from './app-recovery';
import { commitError } from './commit-error';
import { journalText } from './commit-journal';
import { DaemonError } from './daemon-error';
import type { FileWrite } from './merger/file-write';
import { normaliseRelativePath, unsafePath } from './merger/safe-app-path';
import {
  PRIVATE_FOLDER_MODE,
  readFileNoFollow,
  readFileNoFollowSync,
  writePrivateFileDurably,
  writePrivateFileSync,
} from './private-file';
import {
  ensureWorkspaceFolder,
  existingFolders,
  lstatOrUndefined,
  type MakeFolder,
} from './workspace-folder';

export type { FileWrite };

export interface CommitRequest {
  jobId: string;
  /** Workspace-relative app folder. */
  appPath: string;
  /** Files of a new app, written before the job's own files. */
  scaffold: () => FileWrite[];
  /** The job's writes, given a reader of the app as it stands before them. */
  plan: (readCurrent: (appRelPath: string) => string | undefined) => FileWrite[];
  /**
   * Refuses a path that would escape the staging folder (symlinks); throws. Asked only for a copy
   * of an existing app: a new app's staging folder holds nothing but what the commit itself just
   * wrote, plain files and folders, so no link can lie on the way.
   */
  checkPath: (root: string, appRelPath: string) => void | Promise<void>;
}

export interface CommitResult {
  /** App-relative paths written, sorted. */
  files: string[];
  /** Workspace-relative folder holding the replaced version, when there was one. */
  previousVersionPath?: string;
}

/** The folder operations whose failures depend on the machine; tests replace them. */
export interface AppStoreFs {
  /** `renameSync`: tests make it fail as a rename across file systems does (EXDEV). */
  rename: (from: string, to: string) => void;
  /** `mkdirSync`: tests make it fail as a read-only disk does (EROFS). */
  mkdir: MakeFolder;
}

const NODE_FS: AppStoreFs = { rename: renameSync, mkdir: mkdirSync };

export class AppStore {
  /** `stateDir`: the workspace's state folder, as `prepareStateFolder` made it. */
  constructor(
    private readonly workspace: string,
    stateDir: string,
    private readonly now: () => Date = () => new Date(),
    private readonly fs: AppStoreFs = NODE_FS,
  ) {
    // Versions and journals go where the workspace layout says: a state folder anywhere else would
    // be prepared and checked in one place and written in another.
    if (relative(workspace, stateDir).split(sep).join('/') !== STATE_FOLDER) {
      throw new DaemonError(
        'internal',
        `The state folder of ${workspace} is ${STATE_FOLDER}, not ${stateDir}.`,
      );
    }
  }

  /**
   * The numbers of a model's apps on disk in an output folder, ascending: every entry named
   * `app<N>`, so that a number is never reused for a folder someone made by hand.
   */
  appNums(outputDir: string, slug: string): number[] {
    let names: string[];
    try {
      names = readdirSync(join(this.workspace, ...modelFolder(outputDir, slug).split('/')));
    } catch {
      return [];
    }
    return names
      .map(parseAppFolderName)
      .filter((num) => num !== undefined)
      .sort((a, b) => a - b);
  }

  /** The highest number of a model's apps on disk in an output folder; 0 when it has none. */
  highestAppNum(outputDir: string, slug: string): number {
    return this.appNums(outputDir, slug).at(-1) ?? 0;
  }

  /** Reads one file of an app as committed, or undefined; never through a link. */
  async readFile(appPath: string, file: string): Promise<string | undefined> {
    const rel = posix.join(appPath, file);
    try {
      if (normaliseRelativePath(rel).join('/') !== rel) return undefined;
      if (existingFolders(this.workspace, posix.dirname(rel)) !== posix.dirname(rel).split('/').length) {
        return undefined;
      }
      return await readFileNoFollow(join(this.workspace, ...rel.split('/')));
    } catch {
      return undefined;
    }
  }

  /** Must run under the app's lock. Nothing reaches the app unless every step succeeds. */
  async commit(request: CommitRequest): Promise<CommitResult> {
    let place: AppPlace | undefined;
    try {
      place = appPlace(this.workspace, request.appPath, request.jobId);
      return await this.commitAt(place, request);
    } catch (error) {
      throw place ? commitError(error, place, this.workspace) : error;
    }
  }

  /** Finishes or rolls back commits a crash interrupted; returns what it did and refused, for the log. */
  recover(): Promise<string[]> {
    return recoverCommits({ workspace: this.workspace, fs: this.fs });
  }

  private async commitAt(place: AppPlace, request: CommitRequest): Promise<CommitResult> {
    // Every folder from the workspace to the app is checked before anything is written: a link
    // anywhere there refuses the commit (see the module's comment).
    const depth = place.appPath.split('/').length;
    const existing = existingFolders(this.workspace, place.appPath);
    const replacing = existing === depth;
    if (replacing) this.privateFolder(place.versionsRel);
    if (existing < depth - 1)
      ensureWorkspaceFolder(this.workspace, place.parentRel, { mkdir: this.fs.mkdir });
    const journal = join(this.privateFolder(COMMITS_FOLDER), commitJournalName(place.jobId));
    // Before the first folder is made, so that recovery finds it. Flushed to disk only when it
    // guards a swap: a new app goes in with one rename, and at worst a crash leaves its folder.
    const text = journalText({ jobId: place.jobId, appPath: place.appPath });
    if (replacing) await writePrivateFileDurably(journal, text);
    else writePrivateFileSync(journal, text);
    let made = false;
    let cleanUp = true;
    try {
      // A folder left by this job's own run before a crash (the job then runs again).
      removeFolder(place.container, place.containerRel);
      this.fs.mkdir(place.container, { mode: PRIVATE_FOLDER_MODE });
      made = true;
      const files = await this.build(place, request, replacing);
      let previousVersionPath: string | undefined;
      if (replacing) {
        this.fs.rename(place.next, place.ready);
        previousVersionPath = await this.swap(place);
      } else {
        // One rename, atomic on its own: a crash leaves either no app or the whole new one.
        this.fs.rename(place.next, place.app);
      }
      return { files, ...(previousVersionPath ? { previousVersionPath } : {}) };
    } catch (error) {
      // An old app that could not even be put back stays where it is, with the journal, for
      // `recover` to put back or complete at the next start.
      cleanUp = !replacing || lstatOrUndefined(place.app) !== undefined;
      throw error;
    } finally {
      // Otherwise what is left in the commit's folder is no longer needed: the old app is kept in
      // the versions folder or back in place.
      if (cleanUp) {
        if (made) rmSync(place.container, { recursive: true, force: true });
        rmSync(journal, { force: true });
      }
    }
  }

  /** Builds the new app in `next`; returns the app-relative paths written, sorted. */
  private async build(place: AppPlace, request: CommitRequest, replacing: boolean): Promise<string[]> {
    // What goes into the new app, by app-relative path; a later write to a path wins.
    const files = new Map<string, string>();
    if (replacing) {
      // Links inside the app are copied as links, never followed.
      await fs.cp(place.app, place.next, { recursive: true, verbatimSymlinks: true });
      const writes = request.plan((rel) => readInside(place.next, rel));
      for (const file of writes) await request.checkPath(place.next, file.path);
      for (const file of writes) files.set(file.path, file.content);
    } else {
      // A new app is the scaffold under the job's writes. The merge reads the scaffold from
      // memory, and each file is written once: the scaffold's own main files and dependency
      // lists, which the job's writes replace, never reach the disk.
      for (const file of request.scaffold()) files.set(file.path, file.content);
      const scaffold = new Map(files);
      const writes = request.plan((rel) => scaffold.get(posix.normalize(rel)));
      for (const file of writes) files.set(file.path, file.content);
      this.fs.mkdir(place.next, {});
    }
    // Folders and the few dozen small files of an app are made synchronously: that costs less
    // than the thread pool's round trips, which sat on every job's critical path.
    const made = new Set<string>([place.next]);
    for (const [path, content] of files) writeInside(place.next, { path, content }, made);
    return [...files.keys()].sort();
  }

  /**
   * Moves the old app to its versions folder and the ready one in its place. When the versions
   * folder is on another file system, the old app is copied there first and then moved aside
   * within its own, so the swap itself stays two renames on one file system.
   */
  private async swap(place: AppPlace): Promise<string> {
    const name = versionFolderName(this.now(), place.jobId);
    const kept = join(this.workspace, ...place.versionsRel.split('/'), name);
    let aside = kept;
    try {
      this.fs.rename(place.app, kept);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
      await copyAcrossFileSystems(place.app, place.copying, kept, this.fs);
      aside = place.previous;
      this.fs.rename(place.app, aside);
    }
    try {
      this.fs.rename(place.ready, place.app);
    } catch (error) {
      // The new app could not go in: put the old one back rather than leave the folder missing.
      if (!lstatOrUndefined(place.app)) this.fs.rename(aside, place.app);
      if (aside !== kept) rmSync(kept, { recursive: true, force: true });
      throw error;
    }
    return posix.join(place.versionsRel, name);
  }

  /** A folder of the daemon's own under the workspace, made readable by the user only. */
  private privateFolder(rel: string): string {
    return ensureWorkspaceFolder(this.workspace, rel, { mode: PRIVATE_FOLDER_MODE, mkdir: this.fs.mkdir });
  }
}

/**
 * Copies a folder to another file system under a temporary name, then gives it its name there with
 * a rename on that file system: a crash leaves a `.copying-` folder (which recovery removes), never
 * a part of a version under a version's name.
 */
async function copyAcrossFileSystems(
  from: string,
  temporary: string,
  to: string,
  ops: Pick<AppStoreFs, 'rename'>,
): Promise<void> {
  rmSync(temporary, { recursive: true, force: true });
  try {
    await fs.cp(from, temporary, { recursive: true, verbatimSymlinks: true });
    ops.rename(temporary, to);
  } catch (error) {
    rmSync(temporary, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Removes a folder the store owns, after checking it is one: a link in its place is refused (its
 * removal would be harmless, but a link there was not made by AppGen). `rmSync` itself never
 * follows the links inside.
 */
function removeFolder(path: string, rel: string): void {
  const stats = lstatOrUndefined(path);
  if (!stats) return;
  if (stats.isSymbolicLink())
    throw unsafePath(rel, 'is a symbolic link where AppGen keeps a folder of its own');
  if (!stats.isDirectory())
    throw new DaemonError('internal', `"${rel}" is a file where AppGen keeps a folder`);
  rmSync(path, { recursive: true, force: true });
}

/** Reads an app file for the merge; a symlink is never followed (it could point outside the app). */
function readInside(root: string, rel: string): string | undefined {
  try {
    if (!lstatOrUndefined(join(root, rel))?.isFile()) return undefined;
    return readFileNoFollowSync(join(root, rel));
  } catch {
    return undefined;
  }
}

/**
 * Synchronous on purpose: an app is a few dozen small files, and one blocking write costs less
 * than the round trips of an asynchronous open, write and close, which dominated a job's time.
 */
function writeInside(root: string, file: FileWrite, made: Set<string>): void {
  const target = join(root, file.path);
  const dir = dirname(target);
  if (!made.has(dir)) {
    mkdirSync(dir, { recursive: true });
    made.add(dir);
  }
  writeFileSync(target, file.content);
}
