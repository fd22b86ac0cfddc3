/**
 * Every message between a client (the VS Code extension, the command line, a test) and the daemon,
 * declared once. Params are always one object, by name.
 */
import { NotificationType, RequestType } from 'vscode-jsonrpc';
import type { CheckLevel, Component, GenerationOptions, HistoryEntry, Job, JobStatus } from './job';
import type { DaemonSettingName, SettingWireValue } from './settings';

export const PROTOCOL_VERSION = 1;

/**
 * A request whose method name is part of its type, so that the compiler holds the daemon's handler
 * table and params rules to every request (a plain `RequestType` types its method as any string).
 */
export class ProtocolRequest<M extends string, P, R> extends RequestType<P, R, void> {
  declare readonly method: M;

  constructor(method: M) {
    super(method);
  }
}

/**
 * Settings a client may pass in `initialize`; each overrides the environment variable of the same
 * meaning. Keys may be given by their environment name (`GENERATION_MAX_CONCURRENT`) or by the
 * camelCase name of shared/settings.ts, which declares every setting (`maxConcurrent`).
 */
export type ConfigOverrides = { [K in DaemonSettingName]?: SettingWireValue<K> } & {
  [envName: string]: unknown;
};

export interface QueueInfo {
  enabled: boolean;
  maxConcurrent: number;
}

// ---- lifecycle ----

export interface InitializeParams {
  clientName?: string;
  /** The OpenRouter key. Kept in memory only. */
  apiKey?: string;
  config?: ConfigOverrides;
  /**
   * `false` from a client that only reads (the command line's `history`, `export`, `check`...):
   * the jobs an earlier daemon left unfinished are not started (nor paid for) on its account, but
   * wait for a client that runs jobs. Default true. A daemon already serving has resumed them.
   */
  resumeUnfinished?: boolean;
}
export interface InitializeResult {
  protocolVersion: number;
  daemonVersion: string;
  /** Absolute path of the workspace folder. */
  workspace: string;
  queue: QueueInfo;
  /** Whether an API key is known (never the key itself). */
  hasApiKey: boolean;
  outputDir: string;
}
/** Client -> daemon. The first request; may be sent again to change the key or settings. */
export const InitializeRequest = new ProtocolRequest<'initialize', InitializeParams, InitializeResult>(
  'initialize',
);

export interface StatusResult {
  queued: number;
  running: number;
  queue: QueueInfo;
  pid: number;
  workspace: string;
  daemonVersion: string;
  hasApiKey: boolean;
  uptimeMs: number;
  /**
   * Why waiting jobs are not being started, until `daemon/resume`: credits exhausted, or jobs left
   * waiting when the daemon started without a key. Kept across restarts.
   */
  paused?: string;
  /** What paused the queue, with `paused`. */
  pauseCause?: PauseCause;
  /** How the history has been saved since the daemon started. */
  history?: HistorySaveStats;
}
export interface HistorySaveStats {
  /** Saves made: whole writes of `.appgen/history.sqlite` and appends to its change log. */
  saves: number;
  /** Of those, whole writes. */
  checkpoints: number;
  /** Size of `.appgen/history.sqlite.changes`; 0 when the file holds everything. */
  logBytes: number;
  /** Time the daemon's event loop spent saving. */
  saveBusyMs: number;
}
/** Client -> daemon. Counts and settings in force. */
export const StatusRequest = new ProtocolRequest<'daemon/status', Record<string, never>, StatusResult>(
  'daemon/status',
);

/** What paused the queue: OpenRouter's 402, or jobs waiting for a key when the daemon started. */
export type PauseCause = 'insufficient_credits' | 'no_api_key';

/**
 * Client -> daemon. Starts waiting jobs again after the queue was paused. After a 402 one job goes
 * first; the others follow once it has succeeded.
 */
export const ResumeRequest = new ProtocolRequest<
  'daemon/resume',
  Record<string, never>,
  { resumed: boolean }
>('daemon/resume');

export interface ShutdownResult {
  /**
   * Set when other clients are connected: the daemon ended only this client's connection and goes
   * on serving them (and running their jobs), so the caller should not wait for it to exit.
   */
  otherClients?: number;
}
/**
 * Client -> daemon. Ends this client's connection. As the last client connected, it also aborts
 * running model calls (the jobs resume on the next start) and the daemon exits.
 */
export const ShutdownRequest = new ProtocolRequest<'daemon/shutdown', Record<string, never>, ShutdownResult>(
  'daemon/shutdown',
);

// ---- templates ----

export interface TemplateSummary {
  slug: string;
  name: string;
  description: string;
  category: string;
  source: 'builtin' | 'workspace';
  /**
   * Fields of the template file that no prompt prints (`difficulty`, `api_endpoints[].auth`):
   * kept, and named here so they are not lost in silence. Absent when none.
   */
  unusedFields?: string[];
}
/** Client -> daemon. Built-in templates, overridden and extended by the workspace's. */
export const TemplatesListRequest = new ProtocolRequest<
  'templates/list',
  Record<string, never>,
  TemplateSummary[]
>('templates/list');

/** A workspace template file that was skipped, and why (`.appgen/templates/broken.json`, "..."). */
export interface TemplateProblem {
  /** Workspace-relative, posix separators. */
  file: string;
  reason: string;
}
/**
 * Client -> daemon. The workspace's template files `templates/list` leaves out because they cannot
 * be used, each with its reason: shown to the user, who would otherwise only miss the template.
 */
export const TemplatesProblemsRequest = new ProtocolRequest<
  'templates/problems',
  Record<string, never>,
  TemplateProblem[]
>('templates/problems');

// ---- prompts ----

export interface PromptsRenderParams {
  templateSlug: string;
  /** Default: both, backend first. */
  component?: Component;
}
/** The messages of one model call. */
export interface RenderedPrompt {
  component: Component;
  system: string;
  user: string;
}
export interface PromptsRenderResult {
  prompts: RenderedPrompt[];
  /** sha256 (hex) of the texts, as a job records it in `promptHash`. */
  hash: string;
  /** The prompt files the workspace overrides that these prompts used (`backend.user.hbs`). */
  overridden: string[];
}
/**
 * Client -> daemon. The prompts a job of the template would send, exactly, with the prompt files
 * in force and the ports of a first app; the frontend prompt lists the routes the template's
 * endpoints declare (a job lists those its generated backend serves). A broken prompt file is a
 * -32602 naming the file and line.
 */
export const PromptsRenderRequest = new ProtocolRequest<
  'prompts/render',
  PromptsRenderParams,
  PromptsRenderResult
>('prompts/render');

// ---- generation ----

export interface GenerationStartParams {
  templateSlug: string;
  /**
   * OpenRouter model id, or its slug when unambiguous. Its slug must be one folder name: not only
   * dots, at most 255 bytes.
   */
  model: string;
  /** 1 to 100000; default: the model's next free number. */
  appNum?: number;
  /** Higher runs first among waiting jobs. Default 0. */
  priority?: number;
  components?: Component[];
  options?: GenerationOptions;
}
/** Client -> daemon. Records a job (normally `queued`) and returns it. */
export const GenerationStartRequest = new ProtocolRequest<'generation/start', GenerationStartParams, Job>(
  'generation/start',
);

export interface JobIdParams {
  jobId: string;
}
/** Client -> daemon. One job by id. */
export const GenerationGetRequest = new ProtocolRequest<'generation/get', JobIdParams, Job>('generation/get');

export interface GenerationListParams {
  status?: JobStatus;
  batchId?: string;
}
/** Client -> daemon. Jobs of this workspace, newest first. */
export const GenerationListRequest = new ProtocolRequest<'generation/list', GenerationListParams, Job[]>(
  'generation/list',
);

/** Client -> daemon. Cancels a queued job or aborts a running one; nothing is committed. */
export const GenerationCancelRequest = new ProtocolRequest<
  'generation/cancel',
  JobIdParams,
  { cancelled: boolean }
>('generation/cancel');

/** Client -> daemon. Starts a new job for the same app as the given one. */
export const GenerationRetryRequest = new ProtocolRequest<'generation/retry', JobIdParams, Job>(
  'generation/retry',
);

// ---- batches ----

export interface BatchStartParams {
  /** Workspace-relative (or absolute) path of a batch file; default `appgen.batch.json`. */
  configPath?: string;
}
/** What a batch is expected to cost, from published prices and the prompt sizes. */
export interface CostEstimate {
  /** For the priced models only. */
  costUsd: number;
  promptTokens: number;
  completionTokens: number;
  /** Models whose price is not known (left out of `costUsd`). */
  unpricedModels: string[];
}

export interface BatchStartResult {
  batchId: string;
  jobs: Job[];
  /** Absent when no model list could be had. */
  estimate?: CostEstimate;
  /** Said when the estimate is above the batch's budget. */
  warning?: string;
}
/** Client -> daemon. Validates a batch file and starts all its jobs, or none. */
export const BatchStartRequest = new ProtocolRequest<'batch/start', BatchStartParams, BatchStartResult>(
  'batch/start',
);

export interface BatchProgress {
  batchId: string;
  total: number;
  queued: number;
  running: number;
  succeeded: number;
  failed: number;
  cancelled: number;
  costUsd: number;
  /** Why the batch stopped queuing work, if it did (budget reached, credits exhausted). */
  paused?: string;
  finished: boolean;
  /** Workspace-relative path of the report, once written. */
  reportPath?: string;
}
/** Client -> daemon. Progress of one batch. */
export const BatchStatusRequest = new ProtocolRequest<'batch/status', { batchId: string }, BatchProgress>(
  'batch/status',
);

/** Client -> daemon. Cancels every unfinished job of a batch. */
export const BatchCancelRequest = new ProtocolRequest<
  'batch/cancel',
  { batchId: string },
  { cancelled: number }
>('batch/cancel');

// ---- app checks ----

export interface AppCheckParams {
  jobId: string;
  /** Default `["static"]`. */
  levels?: CheckLevel[];
}
/**
 * Client -> daemon. Checks the app a succeeded job wrote, in the background: returns the job with
 * `check.verdict` `running` at once; `generation/changed` carries the result. A job still queued or
 * running, or one that wrote no app (failed, cancelled), is refused with -32602.
 */
export const AppCheckRequest = new ProtocolRequest<'app/check', AppCheckParams, Job>('app/check');

export interface BatchCheckParams {
  batchId: string;
  /** Default `["static"]`. */
  levels?: CheckLevel[];
}
export interface BatchCheckResult {
  /** How many apps are being checked. */
  checking: number;
  /** The jobs whose apps are being checked. */
  jobIds: string[];
}
/** Client -> daemon. Checks the app of every succeeded job of a batch (the latest per app). */
export const BatchCheckRequest = new ProtocolRequest<'batch/check', BatchCheckParams, BatchCheckResult>(
  'batch/check',
);

/** Progress of the checks of one batch (or, without `batchId`, of the checks of single jobs). */
export interface ChecksProgress {
  batchId?: string;
  /** Checks asked for since this group's checks last all ended. */
  total: number;
  done: number;
  running: number;
}
/** Daemon -> client. Checks started or ended; the latest counts at most once per turn per batch. */
export const ChecksChangedNotification = new NotificationType<ChecksProgress>('checks/changed');

// ---- history ----

export interface HistoryListParams {
  limit?: number;
  model?: string;
  templateSlug?: string;
  status?: JobStatus;
}
/** Client -> daemon. Recorded jobs, finished or not, newest first. */
export const HistoryListRequest = new ProtocolRequest<'history/list', HistoryListParams, HistoryEntry[]>(
  'history/list',
);

/** Client -> daemon. Imports the old tool's `generated_applications` table. */
export const HistoryImportLegacyRequest = new ProtocolRequest<
  'history/importLegacy',
  { dbPath: string },
  { imported: number; skipped: number }
>('history/importLegacy');

// ---- models ----

export interface ModelInfo {
  id: string;
  name: string;
  /** USD per token, when OpenRouter publishes a price. */
  promptPrice?: number;
  completionPrice?: number;
  contextLength?: number;
}
/** Client -> daemon. OpenRouter's model list (cached by the daemon). */
export const ModelsListRequest = new ProtocolRequest<'models/list', { refresh?: boolean }, ModelInfo[]>(
  'models/list',
);

// ---- notifications ----

/** Daemon -> client. A job changed status or phase (and on every other change to its record). */
export const GenerationChangedNotification = new NotificationType<Job>('generation/changed');

/** Daemon -> client. A batch's counts changed. */
export const BatchChangedNotification = new NotificationType<BatchProgress>('batch/changed');

export interface PausedParams {
  /** Why, and how to continue; the same text as `daemon/status` `paused`. */
  reason: string;
  cause?: PauseCause;
}
/**
 * Daemon -> client. The queue was paused (OpenRouter answered 402, or jobs wait for a key): waiting
 * jobs stay queued, not failed, until `daemon/resume`. Sent once per pause, to every client.
 */
export const PausedNotification = new NotificationType<PausedParams>('daemon/paused');

/** Every request the daemon must answer; a test checks each has a handler. */
export const ALL_REQUESTS = [
  InitializeRequest,
  StatusRequest,
  ResumeRequest,
  ShutdownRequest,
  TemplatesListRequest,
  TemplatesProblemsRequest,
  PromptsRenderRequest,
  GenerationStartRequest,
  GenerationGetRequest,
  GenerationListRequest,
  GenerationCancelRequest,
  GenerationRetryRequest,
  BatchStartRequest,
  BatchStatusRequest,
  BatchCancelRequest,
  HistoryListRequest,
  HistoryImportLegacyRequest,
  ModelsListRequest,
  AppCheckRequest,
  BatchCheckRequest,
] as const;
