/**
 * Writes generated apps. A commit builds the new app in a staging folder (a copy of the current app,
 * or the scaffold for a new one), then swaps it in: a new app with one rename, an existing one with
 * two renames recorded in a journal. A reader never sees half an app and a crash leaves the old or
 * the new one; `recover` finishes or rolls back a swap a crash interrupted and removes staging
 * folders. The replaced version is kept under `.appgen/versions/`.
 */
import {
  existsSync,
  promises as fs,
  lstatSync,
  mkdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, posix } from 'node:path';
import type { FileWrite } from './merger/file-write';

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

interface Journal {
  app: string;
  staging: string;
  backup?: string;
}

export class AppStore {
  private readonly stagingRoot: string;
  private readonly journalRoot: string;
  private readonly versionsRoot: string;
  /** Long-lived folders this store has made (see `ensureFolder`). */
  private readonly folders = new Set<string>();

  constructor(
    private readonly workspace: string,
    stateDir: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.stagingRoot = join(stateDir, 'staging');
    this.journalRoot = join(stateDir, 'commits');
    this.versionsRoot = join(stateDir, 'versions');
  }

  /** Reads one file of an app as committed, or undefined. */
  async readFile(appPath: string, file: string): Promise<string | undefined> {
    try {
      return await fs.readFile(join(this.workspace, appPath, file), 'utf8');
    } catch {
      return undefined;
    }
  }

  /** Must run under the app's lock. Nothing reaches the app unless every step succeeds. */
  async commit(request: CommitRequest): Promise<CommitResult> {
    const app = join(this.workspace, request.appPath);
    const staging = join(this.stagingRoot, request.jobId);
    // Normally there is none; a stat costs less than a recursive remove of nothing.
    if (existsSync(staging)) await fs.rm(staging, { recursive: true, force: true });
    // Folder operations and the few dozen small files of a new app are done synchronously: they
    // cost less than the thread pool's round trips, which sat on every job's critical path.
    this.ensureFolder(this.stagingRoot);
    try {
      const copied = existsSync(app);
      // What goes into the staging folder, by app-relative path; a later write to a path wins.
      const files = new Map<string, string>();
      if (copied) {
        await fs.cp(app, staging, { recursive: true, verbatimSymlinks: true, errorOnExist: false });
        const writes = request.plan((rel) => readInside(staging, rel));
        for (const file of writes) await request.checkPath(staging, file.path);
        for (const file of writes) files.set(file.path, file.content);
      } else {
        // A new app is the scaffold under the job's writes. The merge reads the scaffold from
        // memory, and each file is written once: the scaffold's own main files and dependency
        // lists, which the job's writes replace, never reach the disk.
        for (const file of request.scaffold()) files.set(file.path, file.content);
        const scaffold = new Map(files);
        const writes = request.plan((rel) => scaffold.get(posix.normalize(rel)));
        for (const file of writes) files.set(file.path, file.content);
      }
      const made = new Set<string>([staging]); // folders already created in this staging copy
      if (!copied) mkdirSync(staging);
      for (const [path, content] of files) writeInside(staging, { path, content }, made);
      const previousVersionPath = await this.swap(app, staging, request, copied);
      return { files: [...files.keys()].sort(), ...(previousVersionPath ? { previousVersionPath } : {}) };
    } catch (error) {
      await fs.rm(staging, { recursive: true, force: true });
      throw error;
    }
  }

  /**
   * Makes a folder that outlives the commit (the staging root, an app's parent). A recursive mkdir
   * of a folder that is there costs a failing mkdir and a stat on every job; a folder this store
   * made costs one existence check, and is made again if it was removed while the daemon ran.
   */
  private ensureFolder(dir: string): void {
    if (this.folders.has(dir) && existsSync(dir)) return;
    mkdirSync(dir, { recursive: true });
    this.folders.add(dir);
  }

  /** `replacing`: the app existed when the commit began (its lock keeps other jobs out since). */
  private async swap(
    app: string,
    staging: string,
    request: CommitRequest,
    replacing: boolean,
  ): Promise<string | undefined> {
    if (!replacing) {
      // One rename, atomic on its own: a crash leaves either no app or the whole new one (and a
      // staging folder that `recover` removes), so no journal is needed.
      this.ensureFolder(dirname(app));
      renameSync(staging, app);
      return undefined;
    }
    // Two renames (the old app out, the new one in): the journal lets `recover` finish or undo them.
    const stamp = this.now().toISOString().replace(/[:.]/g, '-');
    const name = `${stamp}-${request.jobId}`;
    const backupRel = posix.join('.appgen', 'versions', versionKey(request.appPath), name);
    const backup = join(this.versionsRoot, versionKey(request.appPath), name);
    const journalFile = join(this.journalRoot, `${request.jobId}.json`);
    const journal: Journal = { app, staging, backup };
    await fs.mkdir(this.journalRoot, { recursive: true });
    await writeDurably(journalFile, JSON.stringify(journal));
    await fs.mkdir(dirname(backup), { recursive: true });
    await fs.rename(app, backup);
    try {
      await fs.rename(staging, app);
    } catch (error) {
      // The new app could not go in: put the old one back rather than leave the folder missing.
      if (!existsSync(app)) await fs.rename(backup, app);
      await fs.rm(journalFile, { force: true });
      throw error;
    }
    await fs.rm(journalFile, { force: true });
    return backupRel;
  }

  /**
   * Finishes swaps a crash interrupted (the old app already moved away: the staged one goes in) or
   * rolls them back (the old app still in place: the staged copy is dropped), then clears leftovers.
   * Returns what it did, for the log.
   */
  async recover(): Promise<string[]> {
    const actions: string[] = [];
    for (const name of await listDir(this.journalRoot)) {
      const file = join(this.journalRoot, name);
      let journal: Journal | undefined;
      try {
        journal = JSON.parse(await fs.readFile(file, 'utf8')) as Journal;
      } catch {
        // A journal cut off while being written: its swap never started.
      }
      if (journal && existsSync(journal.staging)) {
        if (existsSync(journal.app)) {
          await fs.rm(journal.staging, { recursive: true, force: true });
          actions.push(`rolled back an unfinished commit of ${journal.app}`);
        } else {
          await fs.mkdir(dirname(journal.app), { recursive: true });
          await fs.rename(journal.staging, journal.app);
          actions.push(`completed an interrupted commit of ${journal.app}`);
        }
      }
      await fs.rm(file, { force: true });
    }
    for (const name of await listDir(this.stagingRoot)) {
      await fs.rm(join(this.stagingRoot, name), { recursive: true, force: true });
      actions.push(`removed staging folder ${name}`);
    }
    return actions;
  }
}

function versionKey(appPath: string): string {
  // generated/apps/<slug>/app<N> -> <slug>/app<N>, whatever the output folder is.
  return appPath.split('/').slice(-2).join('/');
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return await fs.readdir(dir);
  } catch {
    return [];
  }
}

/** Reads an app file for the merge; a symlink is never followed (it could point outside the app). */
function readInside(root: string, rel: string): string | undefined {
  try {
    if (!lstatSync(join(root, rel)).isFile()) return undefined;
    return readFileSync(join(root, rel), 'utf8');
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

async function writeDurably(file: string, content: string): Promise<void> {
  const handle = await fs.open(file, 'w');
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
}
