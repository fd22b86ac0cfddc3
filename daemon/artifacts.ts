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
    await fs.mkdir(dir, { recursive: true });
    const base = `${call.jobId}.${call.component}`;
    await Promise.all([
      fs.writeFile(join(dir, `${base}.request.json`), this.scrub(JSON.stringify(call.request, null, 2))),
      fs.writeFile(join(dir, `${base}.response.txt`), this.scrub(call.rawResponse)),
      fs.writeFile(join(dir, `${base}.meta.json`), this.scrub(JSON.stringify(call.meta, null, 2))),
    ]);
    return posix.join(folder, `${base}.response.txt`);
  }
}
