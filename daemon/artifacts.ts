/**
 * Per model call, what was sent and what came back, kept under
 * `.appgen/artifacts/<model_slug>/app<N>/` as `<jobId>.<component>.{request.json,response.txt,meta.json}`.
 * The request is the JSON body only: headers (and so the key) are never part of it. The files are
 * readable by the user only, in folders reached through no link (`workspace-folder.ts`).
 */
import { join } from 'node:path';
import { MAX_APP_NUM, modelIdProblem, modelSlug as slugOf } from '../shared/model-slug';
import { type ArtifactPart, artifactFileName, artifactsFolder } from '../shared/workspace-layout';
import { isJobId } from './app-place';
import { DaemonError } from './daemon-error';
import { unsafePath } from './merger/safe-app-path';
import { PRIVATE_FOLDER_MODE, writePrivateFileSync } from './private-file';
import { ensureWorkspaceFolder } from './workspace-folder';

export interface CallArtifacts {
  jobId: string;
  component: string;
  request: unknown;
  rawResponse: string;
  meta: Record<string, unknown>;
}

export class ArtifactStore {
  constructor(
    private readonly workspace: string,
    private readonly scrub: (text: string) => string,
  ) {}

  /** Workspace-relative folder of one app's artifacts. */
  folderOf(modelSlug: string, appNum: number): string {
    return artifactsFolder(modelSlug, appNum);
  }

  /**
   * Returns the workspace-relative path of the raw response file. Throws `unsafe_path` for a link
   * on the way or a name too long for the file system, naming the workspace-relative path.
   */
  async save(modelSlug: string, appNum: number, call: CallArtifacts): Promise<string> {
    const folder = this.folderOf(modelSlug, appNum);
    const file = (part: ArtifactPart) => artifactFileName(call.jobId, call.component, part);
    // The slug and number may come from a history row: only one model's folder and one app's
    // number may name where these files go, whatever the row says.
    if (modelIdProblem(modelSlug) !== undefined || slugOf(modelSlug) !== modelSlug || !isAppNum(appNum)) {
      throw unsafePath(folder, "is not one model's and one app's artifacts folder");
    }
    if (!isJobId(call.jobId)) throw unsafePath(file('meta'), 'does not start with a job id');
    try {
      // Checked on every save, which costs a few lstat calls: a folder removed or replaced by a
      // link while the daemon runs is made again or refused.
      const dir = ensureWorkspaceFolder(this.workspace, folder, { mode: PRIVATE_FOLDER_MODE });
      // Three small files: written synchronously, which costs less than three asynchronous round trips.
      writePrivateFileSync(join(dir, file('request')), this.scrub(JSON.stringify(call.request, null, 2)));
      writePrivateFileSync(join(dir, file('response')), this.scrub(call.rawResponse));
      writePrivateFileSync(join(dir, file('meta')), this.scrub(JSON.stringify(call.meta, null, 2)));
    } catch (error) {
      throw artifactError(error, folder);
    }
    return `${folder}/${file('response')}`;
  }
}

/** A file-system error as the job reports it: the folder by its workspace path, never an absolute one. */
function artifactError(error: unknown, folder: string): DaemonError {
  if (error instanceof DaemonError) return error;
  const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
  if (code === 'ENAMETOOLONG') {
    return unsafePath(folder, 'is too long for the file system here (a name may have 255 bytes)');
  }
  if (code === 'ELOOP') return unsafePath(folder, 'holds a symbolic link where an artifact file belongs');
  const reason =
    code === 'EROFS' || code === 'EACCES' || code === 'EPERM'
      ? 'the folder is read-only'
      : // Node's description without its absolute path ("no space left on device, open '/...'").
        String((error as Error).message ?? error)
          .replace(/^[A-Z]+: /, '')
          .split(', ')[0];
  return new DaemonError(
    'internal',
    `Cannot keep the call's artifacts in "${folder}": ${reason} (${code}).`,
    {},
    {
      cause: error,
    },
  );
}

function isAppNum(appNum: number): boolean {
  return Number.isInteger(appNum) && appNum >= 1 && appNum <= MAX_APP_NUM;
}
