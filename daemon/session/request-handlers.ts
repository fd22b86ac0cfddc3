/**
 * The daemon's handler table: each request of shared/protocol.ts, typed by its `RequestType`, turned
 * into a call on the session or a service. Params reach it checked (see rpc-handlers.ts); what
 * needs the daemon's state (is the job known) is the services' to check.
 */
import { resolve } from 'node:path';
import type * as P from '../../shared/protocol';
import type { BatchService } from '../batch/batch-service';
import type { CheckService } from '../checks/check-service';
import type { ClientConnection } from '../client-connection';
import type { ClientLifetime } from '../client-lifetime';
import type { GenerationService } from '../generation-service';
import type { HistoryStore } from '../history/history-store';
import type { Logger } from '../logger';
import type { ModelCatalog } from '../model-catalog';
import type { PromptSet } from '../prompts/prompt-set';
import { renderPromptsRequest } from '../prompts/render-prompts-request';
import type { DaemonHandlers } from '../rpc-handlers';
import type { LoadedTemplate, TemplateCatalog } from '../templates/template-catalog';
import { unusedFieldsEntry } from '../templates/unused-fields';
import { DAEMON_VERSION } from '../version';
import type { DaemonSession } from './daemon-session';

export interface RequestHandlerDeps {
  workspace: string;
  pid: number;
  uptimeMs: () => number;
  session: Pick<DaemonSession, 'initialize' | 'resume' | 'paused' | 'settings'>;
  clients: Pick<ClientLifetime, 'shutdownRequested'>;
  queue: { readonly info: P.QueueInfo };
  service: Pick<GenerationService, 'counts' | 'start' | 'get' | 'list' | 'cancel' | 'retry'>;
  batches: Pick<BatchService, 'start' | 'status' | 'cancel'>;
  checks: Pick<CheckService, 'check' | 'checkBatch'>;
  store: Pick<HistoryStore, 'stats' | 'listJobs' | 'importLegacy' | 'caughtUp'>;
  models: Pick<ModelCatalog, 'list'>;
  templates: () => Promise<TemplateCatalog>;
  findTemplate: (slug: string) => Promise<LoadedTemplate | undefined>;
  /** The prompt files in force; rejects naming the file and line of one that does not compile. */
  prompts: () => Promise<PromptSet>;
  log: Logger;
}

/** The handlers for one client: `daemon/shutdown` ends that client's connection. */
export function requestHandlers(deps: RequestHandlerDeps): (caller: ClientConnection) => DaemonHandlers {
  const { session, service, batches, checks, store, log } = deps;
  // Requests that read the history wait until the rows of a large batch are in, a slice per turn,
  // rather than have the read put them all in at once (see HistoryStore.caughtUp).
  const reading =
    <P, R>(handler: (params: P) => R | Promise<R>) =>
    async (params: P): Promise<R> => {
      await store.caughtUp();
      return handler(params);
    };
  return (caller) => ({
    initialize: (params) => session.initialize(params),
    'daemon/status': () => {
      const { saves, checkpoints, logBytes, saveBusyMs } = store.stats();
      const paused = session.paused;
      return {
        ...service.counts(),
        queue: deps.queue.info,
        pid: deps.pid,
        workspace: deps.workspace,
        daemonVersion: DAEMON_VERSION,
        hasApiKey: session.settings.hasApiKey,
        uptimeMs: deps.uptimeMs(),
        ...(paused ? { paused: paused.reason, pauseCause: paused.cause } : {}),
        history: { saves, checkpoints, logBytes, saveBusyMs },
      };
    },
    'daemon/resume': () => ({ resumed: session.resume() }),
    'daemon/shutdown': () => deps.clients.shutdownRequested(caller),
    'templates/list': async () => {
      const { templates, problems } = await deps.templates();
      for (const problem of problems)
        log.warn('template skipped', { file: problem.file, reason: problem.reason });
      return templates.map((t) => ({
        slug: t.slug,
        name: t.name,
        description: t.description ?? '',
        category: t.category ?? '',
        source: t.source,
        ...unusedFieldsEntry(t),
      }));
    },
    'templates/problems': async () => (await deps.templates()).problems,
    'prompts/render': (params) =>
      renderPromptsRequest(params, { findTemplate: deps.findTemplate, prompts: deps.prompts }),
    'generation/start': (params) => service.start(params),
    'generation/get': reading((params) => service.get(params.jobId)),
    'generation/list': reading((params) => service.list(params)),
    'generation/cancel': reading((params) => ({ cancelled: service.cancel(params.jobId) })),
    'generation/retry': reading((params) => service.retry(params.jobId)),
    'batch/start': async (params) => {
      await deps.prompts(); // a prompt file that does not compile refuses the batch, naming file and line
      return batches.start(params.configPath);
    },
    'batch/status': reading((params) => batches.status(params.batchId)),
    'batch/cancel': async (params) => ({ cancelled: await batches.cancel(params.batchId) }),
    'history/list': reading((params) => store.listJobs(params)),
    'history/importLegacy': (params) => store.importLegacy(resolve(deps.workspace, params.dbPath)),
    'models/list': (params) => deps.models.list(params.refresh === true),
    'app/check': reading((params) => checks.check(params.jobId, params.levels)),
    'batch/check': reading((params) => checks.checkBatch(params.batchId, params.levels)),
  });
}
