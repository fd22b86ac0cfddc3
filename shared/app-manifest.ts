/**
 * The manifest an app folder carries (`appgen.json`, see `daemon/app-manifest.ts` for how it is
 * written): its fields, and reading them back, for the daemon and the extension alike.
 */
import type { JobCheck } from './job';

/** Bumped when a field changes meaning; readers of other versions can tell. */
export const MANIFEST_VERSION = 1;

export interface AppManifest {
  manifestVersion: number;
  /** The model id, as asked for. */
  model: string;
  modelSlug: string;
  /** The template's slug (also under `templateSlug`, the name the job uses). */
  template: string;
  templateSlug: string;
  appNum: number;
  /** The job whose commit made this version of the app. */
  jobId: string;
  batchId?: string;
  /** The components that job generated; the others are as earlier jobs left them. */
  components: string[];
  /** sha256 of the prompts sent (see `promptHash`), and the workspace prompt files they came from. */
  promptHash?: string;
  promptOverrides?: string[];
  /** OpenRouter's ids of the billed calls, and the provider that served them. */
  generationIds?: string[];
  provider?: string;
  /** ISO-8601 UTC: when this version of the app was committed. */
  createdAt: string;
  /** The latest finished check of this version: verdict and score, no details (see `.appgen/checks/`). */
  check?: ManifestCheck;
}

export type ManifestCheck = Pick<
  JobCheck,
  'verdict' | 'score' | 'endpointsOk' | 'endpointsTotal' | 'problems' | 'reason' | 'levels' | 'checkedAt'
>;

/** A manifest's fields, or undefined when the text is missing, damaged or not one. */
export function readManifest(text: string | undefined): AppManifest | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const manifest = value as Partial<AppManifest> | null;
  if (
    typeof manifest !== 'object' ||
    manifest === null ||
    Array.isArray(manifest) ||
    typeof manifest.jobId !== 'string' ||
    typeof manifest.model !== 'string'
  ) {
    return undefined;
  }
  return manifest as AppManifest;
}
