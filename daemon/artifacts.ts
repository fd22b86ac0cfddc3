/**
 * Per model call, what was sent and what came back, kept under
 * `.appgen/artifacts/<model_slug>/app<N>/` as `<jobId>.<component>.{request.json,response.txt,meta.json}`.
 * The request is the JSON body only: headers (and so the key) are never part of it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
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
      mkdirSync(dir, { recursive: true });
      this.made.add(dir);
    }
    const base = `${call.jobId}.${call.component}`;
    // Three small files: written synchronously, which costs less than three asynchronous round trips.
    const write = () => {
      writeFileSync(join(dir, `${base}.request.json`), this.scrub(JSON.stringify(call.request, null, 2)));
      writeFileSync(join(dir, `${base}.response.txt`), this.scrub(call.rawResponse));
      writeFileSync(join(dir, `${base}.meta.json`), this.scrub(JSON.stringify(call.meta, null, 2)));
    };
    try {
      write();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      // Someone removed the folder while the daemon ran: make it again.
      mkdirSync(dir, { recursive: true });
      write();
    }
    return posix.join(folder, `${base}.response.txt`);
  }
}
