/**
 * Per model call, what was sent and what came back, kept under
 * `.appgen/artifacts/<model_slug>/app<N>/` as `<jobId>.<component>.{request.json,response.txt,meta.json}`.
 * The request is the JSON body only: headers (and so the key) are never part of it.
 */
import { promises as fs } from 'node:fs';
import { join, posix } from 'node:path';

export interface CallArtifacts {
  jobId: string;
  component: string;
  request: unknown;
  rawResponse: string;
  meta: Record<string, unknown>;
}

export class ArtifactStore {
  /** Folders known to exist; artifacts are never deleted while the daemon runs. */
  private readonly made = new Set<string>();

  constructor(
    private readonly workspace: string,
    private readonly scrub: (text: string) => string,
  ) {}

  /** Workspace-relative folder of one app's artifacts. */
  folderOf(modelSlug: string, appNum: number): string {
    return posix.join('.appgen', 'artifacts', modelSlug, `app${appNum}`);
  }

  /** Returns the workspace-relative path of the raw response file. */
  async save(modelSlug: string, appNum: number, call: CallArtifacts): Promise<string> {
    const folder = this.folderOf(modelSlug, appNum);
    const dir = join(this.workspace, folder);
    if (!this.made.has(dir)) {
      await fs.mkdir(dir, { recursive: true });
      this.made.add(dir);
    }
    const base = `${call.jobId}.${call.component}`;
    const write = () =>
      Promise.all([
        fs.writeFile(join(dir, `${base}.request.json`), this.scrub(JSON.stringify(call.request, null, 2))),
        fs.writeFile(join(dir, `${base}.response.txt`), this.scrub(call.rawResponse)),
        fs.writeFile(join(dir, `${base}.meta.json`), this.scrub(JSON.stringify(call.meta, null, 2))),
      ]);
    try {
      await write();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      // Someone removed the folder while the daemon ran: make it again.
      await fs.mkdir(dir, { recursive: true });
      await write();
    }
    return posix.join(folder, `${base}.response.txt`);
  }
}
