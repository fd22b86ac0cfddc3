/**
 * Where things are in a workspace, named once for the daemon, the command line and the extension:
 * every path AppGen builds is built here, and every one it reads back is parsed here. Paths are
 * workspace-relative with posix separators; the caller turns them into absolute ones. Pure: no
 * file system, so the extension's webviews may use it too.
 *
 * ```
 * appgen.batch.json                               the batch file run by default
 * .appgen/                                        the state folder, readable by the user only
 *   history.sqlite  daemon.lock                   the history; the lock of the daemon writing
 *   artifacts/<slug>/app<N>/                      each model call's request, answer and metadata:
 *     <jobId>.<component>.request.json  .response.txt  .meta.json
 *   versions/<slug>/app<N>/<time>-<jobId>/        a version of the app that job replaced
 *   versions/<slug>/app<N>/.copying-<jobId>/      that version while copied across file systems
 *   checks/<slug>/app<N>/<jobId>.json             what a check of the job's app found
 *   reports/<batchId>.md                          a batch's report
 *   commits/<jobId>.json                          the journal of a commit under way
 *   prompts/<name>  templates/<name>.json         the workspace's own prompts and templates
 * <outputDir>/<slug>/app<N>/                      an app: its MAIN_FILES, appgen.json, .appgen-commits.json
 * <outputDir>/<slug>/.appgen-staging-<jobId>/     the folder a commit builds the app in
 * ```
 */
import type { Component } from './job';

/** The batch file a run takes when it is given none. */
export const BATCH_FILE = 'appgen.batch.json';

/** The workspace's state folder. */
export const STATE_FOLDER = '.appgen';

/** The history's file name in the state folder, for code given the state folder itself. */
export const HISTORY_FILE_NAME = 'history.sqlite';
/** The history database. */
export const HISTORY_FILE = `${STATE_FOLDER}/${HISTORY_FILE_NAME}`;
/** The lock's file name in the state folder (see `daemon/workspace-lock.ts`). */
export const LOCK_FILE_NAME = 'daemon.lock';

export const ARTIFACTS_FOLDER = `${STATE_FOLDER}/artifacts`;
export const VERSIONS_FOLDER = `${STATE_FOLDER}/versions`;
export const CHECKS_FOLDER = `${STATE_FOLDER}/checks`;
export const REPORTS_FOLDER = `${STATE_FOLDER}/reports`;
/** Commit journals (see `daemon/commit-journal.ts`). */
export const COMMITS_FOLDER = `${STATE_FOLDER}/commits`;
/** The workspace's prompt overrides. */
export const PROMPTS_FOLDER = `${STATE_FOLDER}/prompts`;
/** The workspace's templates. */
export const TEMPLATES_FOLDER = `${STATE_FOLDER}/templates`;
/** Where older versions of AppGen built commits; only ever emptied now. */
export const LEGACY_STAGING_FOLDER = `${STATE_FOLDER}/staging`;

/** App-relative: the app's manifest (see `daemon/app-manifest.ts`), kept for people and tools. */
export const APP_MANIFEST_FILE = 'appgen.json';

/** App-relative: the record of the jobs committed into the app (see `daemon/commit-record.ts`). */
export const COMMIT_RECORD_FILE = '.appgen-commits.json';

/** Files AppGen keeps in an app folder about the app, not of it: no job lists them as its own. */
export const APP_BOOKKEEPING_FILES: readonly string[] = [APP_MANIFEST_FILE, COMMIT_RECORD_FILE];

/** The app folder each component's files live in. */
export const COMPONENT_FOLDERS: Readonly<Record<Component, string>> = {
  backend: 'backend',
  frontend: 'frontend',
};

/** Each component's main file, app-relative: what an unannotated block writes and a click opens. */
export const MAIN_FILES: Readonly<Record<Component, string>> = {
  backend: 'backend/app.py',
  frontend: 'frontend/src/App.jsx',
};

/** Names of commit folders start so; listing apps looks for `app<N>` and never sees them. */
export const STAGING_PREFIX = '.appgen-staging-';

const COPYING_PREFIX = '.copying-';

// At most nine digits: app-place refuses longer numbers, and nothing makes them.
const APP_FOLDER = /^app([1-9][0-9]{0,8})$/;
// A version's folder: the time it was replaced, `:` and `.` made `-` (names allow neither on every
// system), then the job that replaced it.
const VERSION_FOLDER = /^(\d{4}-\d\d-\d\d)T(\d\d)-(\d\d)-(\d\d)-(\d{3})Z-([A-Za-z0-9][A-Za-z0-9_-]*)$/;
const REPORT_FILE = /^(.+)\.md$/;

/** The folder name of app number `appNum`: `app<N>`. */
export function appFolderName(appNum: number): string {
  return `app${appNum}`;
}

/** The number of an app folder's name, or undefined when the name is no `app<N>` AppGen makes. */
export function parseAppFolderName(name: string): number | undefined {
  const match = APP_FOLDER.exec(name);
  return match ? Number(match[1]) : undefined;
}

/** The folder of one model's apps. */
export function modelFolder(outputDir: string, slug: string): string {
  return `${outputDir}/${slug}`;
}

/** Workspace-relative folder of one app. */
export function appRelativePath(outputDir: string, slug: string, appNum: number): string {
  return `${modelFolder(outputDir, slug)}/${appFolderName(appNum)}`;
}

/** The lock key and display name of one app: `<slug>/app<N>`. */
export function appKey(slug: string, appNum: number): string {
  return `${slug}/${appFolderName(appNum)}`;
}

/** An app path taken apart. */
export interface AppPathParts {
  outputDir: string;
  modelSlug: string;
  appNum: number;
}

/**
 * The output folder, model slug and app number of `<outputDir>/<slug>/app<N>`, or undefined for
 * anything else: fewer segments, an empty, `.` or `..` segment, a backslash, or a last segment that
 * is not `app<N>`. Whether each name is safe on disk is the daemon's to check.
 */
export function parseAppPath(appPath: string): AppPathParts | undefined {
  const segments = appPath.split('/');
  if (segments.length < 3) return undefined;
  if (segments.some((segment) => segment === '' || segment === '.' || segment === '..')) return undefined;
  if (appPath.includes('\\')) return undefined;
  const appNum = parseAppFolderName(segments.at(-1)!);
  if (appNum === undefined) return undefined;
  return { outputDir: segments.slice(0, -2).join('/'), modelSlug: segments.at(-2)!, appNum };
}

/** The folder a commit of job `jobId` builds its app in, beside the app. */
export function stagingFolder(outputDir: string, slug: string, jobId: string): string {
  return `${modelFolder(outputDir, slug)}/${STAGING_PREFIX}${jobId}`;
}

/** Where the model calls of one app are kept. */
export function artifactsFolder(slug: string, appNum: number): string {
  return `${ARTIFACTS_FOLDER}/${appKey(slug, appNum)}`;
}

/** The files kept of one model call: the request sent, the answer as it came, and metadata. */
export type ArtifactPart = 'request' | 'response' | 'meta';

const ARTIFACT_SUFFIXES: Readonly<Record<ArtifactPart, string>> = {
  request: '.request.json',
  response: '.response.txt',
  meta: '.meta.json',
};

/** A model call's file name in its app's artifacts folder: `<jobId>.<component>.request.json` and so on. */
export function artifactFileName(jobId: string, component: string, part: ArtifactPart): string {
  return `${jobId}.${component}${ARTIFACT_SUFFIXES[part]}`;
}

/** The job and component of a call's answer file in an artifacts folder, or undefined for another file. */
export function parseArtifactAnswerName(name: string): { jobId: string; component: string } | undefined {
  if (!name.endsWith(ARTIFACT_SUFFIXES.response)) return undefined;
  const base = name.slice(0, -ARTIFACT_SUFFIXES.response.length);
  const dot = base.lastIndexOf('.');
  if (dot <= 0 || dot === base.length - 1) return undefined;
  return { jobId: base.slice(0, dot), component: base.slice(dot + 1) };
}

/** Where the replaced versions of one app are kept. */
export function versionsFolder(slug: string, appNum: number): string {
  return `${VERSIONS_FOLDER}/${appKey(slug, appNum)}`;
}

/** A replaced version's folder name: `2025-02-09T10-00-00-000Z-<jobId>`. */
export function versionFolderName(replacedAt: Date, jobId: string): string {
  return `${replacedAt.toISOString().replace(/[:.]/g, '-')}-${jobId}`;
}

/** When a version was replaced (ISO-8601 UTC) and by which job, or undefined for another name. */
export function parseVersionFolderName(name: string): { replacedAt: string; jobId: string } | undefined {
  const match = VERSION_FOLDER.exec(name);
  if (!match) return undefined;
  const [, day, hours, minutes, seconds, millis, jobId] = match;
  return { replacedAt: `${day}T${hours}:${minutes}:${seconds}.${millis}Z`, jobId: jobId! };
}

/** The name a version of the app has while job `jobId` copies it across file systems. */
export function copyingFolderName(jobId: string): string {
  return `${COPYING_PREFIX}${jobId}`;
}

/** The check details of one job of one app. */
export function checkDetailsFile(slug: string, appNum: number, jobId: string): string {
  return `${checksFolder(slug, appNum)}/${jobId}.json`;
}

/** Where the check details of one app's jobs are kept. */
export function checksFolder(slug: string, appNum: number): string {
  return `${CHECKS_FOLDER}/${appKey(slug, appNum)}`;
}

/** The report of one batch. */
export function reportFile(batchId: string): string {
  return `${REPORTS_FOLDER}/${reportFileName(batchId)}`;
}

/** The report's file name in the reports folder. */
export function reportFileName(batchId: string): string {
  return `${batchId}.md`;
}

/** The batch a file in the reports folder reports on, or undefined when it is no report. */
export function parseReportFileName(name: string): string | undefined {
  return REPORT_FILE.exec(name)?.[1];
}

/**
 * The batch whose report a file is, given its path with either separator (`\` on Windows), or
 * undefined when it is no report in a state folder.
 */
export function reportBatchId(path: string): string | undefined {
  const segments = path.split(/[\\/]/);
  // Something comes before the state folder (a folder, or the root's empty name): a whole path.
  if (segments.length < 4) return undefined;
  const [state, reports, name] = segments.slice(-3);
  return `${state}/${reports}` === REPORTS_FOLDER ? parseReportFileName(name!) : undefined;
}

/** A workspace-relative path as a link from a batch report, which sits two folders down. */
export function linkFromReport(path: string): string {
  return `../../${path}`;
}

/** A commit journal's file name in the commits folder. */
export function commitJournalName(jobId: string): string {
  return `${jobId}.json`;
}

/** A prompt override of the workspace. */
export function promptOverrideFile(name: string): string {
  return `${PROMPTS_FOLDER}/${name}`;
}

/** A template file of the workspace. */
export function workspaceTemplateFile(name: string): string {
  return `${TEMPLATES_FOLDER}/${name}`;
}
