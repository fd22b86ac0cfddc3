/**
 * Where things are in a workspace, named once for the daemon, the command line and the extension.
 */

/** App-relative: the app's manifest (see `daemon/app-manifest.ts`), kept for people and tools. */
export const APP_MANIFEST_FILE = 'appgen.json';

/** App-relative: the record of the jobs committed into the app (see `daemon/commit-record.ts`). */
export const COMMIT_RECORD_FILE = '.appgen-commits.json';

/** Files AppGen keeps in an app folder about the app, not of it: no job lists them as its own. */
export const APP_BOOKKEEPING_FILES: readonly string[] = [APP_MANIFEST_FILE, COMMIT_RECORD_FILE];
