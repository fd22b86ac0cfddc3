/**
 * The daemon's entry point and the only place that creates things: it reads the command line and the
 * environment, becomes the workspace's owner (or relays to it), opens the workspace's stores, builds
 * the services and serves JSON-RPC on stdio and to relayed clients on the workspace's socket.
 * stdout carries the protocol and nothing else; logs are JSON lines on stderr.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import type { Job } from '../shared/job';
import * as P from '../shared/protocol';
import { PROMPTS_FOLDER, TEMPLATES_FOLDER } from '../shared/workspace-layout';
import { AppLocks } from './app-locks';
import { AppStore } from './app-store';
import { ArtifactStore } from './artifacts';
import { batchCostEstimator } from './batch/batch-cost-estimator';
import { BatchService } from './batch/batch-service';
import { appHolder } from './checks/app-holder';
import { CheckService } from './checks/check-service';
import { PythonCompiler } from './checks/python-compiler';
import { smokeLevel } from './checks/smoke-level';
import { claimWorkspace, NODE_CLAIM_DEPS } from './claim-workspace';
import { type ClientConnection, openClientConnection } from './client-connection';
import { ClientLifetime } from './client-lifetime';
import { configFromEnv, type DaemonConfig } from './config';
import { type DaemonArgs, parseDaemonArgs } from './daemon-args';
import { DaemonError } from './daemon-error';
import { GenerationService } from './generation-service';
import { removeStaleTempFiles } from './history/atomic-write-file';
import { HistoryStore } from './history/history-store';
import { JobQueue } from './job-queue';
import { LatestPerTick } from './latest-per-tick';
import { createLogger } from './logger';
import { ModelCatalog } from './model-catalog';
import { ModelThrottle } from './model-throttle';
import { openRouterProvider } from './openrouter/openrouter-provider';
import { promptSetLoader } from './prompts/load-prompt-set';
import { checkTemplatePrompts } from './prompts/template-prompts';
import { registerHandlers } from './rpc-handlers';
import { SecretScrubber } from './secret-scrubber';
import { DaemonSession, NODE_CLOCK } from './session/daemon-session';
import { requestHandlers } from './session/request-handlers';
import { SessionSettings } from './session/session-settings';
import { prepareStateFolder } from './state-folder';
import { cachedCatalog, folderFingerprint } from './templates/cached-catalog';
import { loadTemplates } from './templates/template-catalog';
import { logUnusedFieldsOnce } from './templates/unused-fields';
import { TickBatchedWritable } from './tick-batched-writable';

// The history's SQLite engine is WebAssembly. By default V8 compiles its busy functions a second
// time with its optimising compiler, on background threads: in a new daemon that costs about a
// quarter of a second of CPU during the first jobs and more later, for statements that take
// microseconds either way. The baseline code (Liftoff) is kept instead. Set before sql.js loads.
setFlagsFromString('--liftoff-only');

/**
 * Runs the daemon while it has clients or jobs (see client-lifetime.ts), or until `daemon/shutdown`
 * from its last client or a polite signal.
 */
export async function runDaemon(argv: string[], env: NodeJS.ProcessEnv): Promise<void> {
  // The client that started this daemon may leave while others stay: writing to its closed pipes
  // must not end the daemon that serves them.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
  // Every key the daemon is given, taken out of what it logs, stores and sends.
  const scrubber = new SecretScrubber();
  const log = createLogger((line) => process.stderr.write(line), undefined, scrubber);
  const fail = (message: string) => {
    log.error(message);
    process.stderr.write(`appgen daemon: ${message}\n`);
    process.exit(2);
  };
  process.on('uncaughtException', (error) => {
    log.error('uncaught exception', { error: error.stack ?? String(error) });
    process.exit(1);
  });
  process.on('unhandledRejection', (error) => {
    log.error('unhandled rejection', {
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
    process.exit(1);
  });

  let args: DaemonArgs;
  let envConfig: DaemonConfig;
  try {
    args = parseDaemonArgs(argv);
    envConfig = configFromEnv(env);
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
  // The key is the logger's to hide from the first line on.
  const settings = new SessionSettings(envConfig, env.OPENROUTER_API_KEY, (key) => log.redact(key));

  let stateDir: string;
  try {
    stateDir = prepareStateFolder(args.workspace);
  } catch (error) {
    return fail(`cannot use workspace ${args.workspace}: ${(error as Error).message}`);
  }

  const started = Date.now();
  const claim = await claimWorkspace(
    {
      workspace: args.workspace,
      stateDir,
      pid: process.pid,
      input: process.stdin,
      output: process.stdout,
      log,
    },
    NODE_CLAIM_DEPS,
  );
  if (claim.kind === 'refused') return fail(claim.message);
  if (claim.kind === 'relayed') process.exit(0);
  const { socket: ownerSocket, release: releaseLock } = claim;

  const now = () => new Date();
  const historyFile = join(stateDir, 'history.sqlite');
  for (const name of await removeStaleTempFiles(historyFile))
    log.warn('removed an unfinished history save', { file: name });
  // Set once the clients are: until then nobody is being sent anything.
  let outputBackedUp = () => false;
  let store: HistoryStore;
  try {
    store = await HistoryStore.open({
      outputBackedUp: () => outputBackedUp(),
      file: historyFile,
      // At most five saves a second however fast jobs finish (a finished job is on disk within
      // 200 ms); a request waiting for its jobs to be saved does not wait for this spacing.
      minSaveIntervalMs: 200,
      wasmPath: join(__dirname, 'sql-wasm.wasm'),
      now,
      log: (message, fields, level = 'info') => log[level](message, fields as Record<string, unknown>),
    });
  } catch (error) {
    // A history this daemon cannot use (a newer schema, a failed migration) stops it with the
    // reason, and the file as it was; anything else is a defect and keeps its stack.
    if (!(error instanceof DaemonError)) throw error;
    ownerSocket.close();
    await releaseLock();
    return fail(`cannot open the history ${historyFile}: ${error.message}`);
  }
  const appStore = new AppStore(args.workspace, stateDir, now);
  for (const action of await appStore.recover()) log.warn(action);

  const config = () => settings.config;
  const queue = new JobQueue({ enabled: config().useQueue, maxConcurrent: config().maxConcurrent });
  const session: DaemonSession = new DaemonSession({
    workspace: args.workspace,
    settings,
    state: store,
    queue,
    unfinishedJobs: () => store.listUnfinished().length,
    resumeJobs: () => service.resumeUnfinished(),
    // A check is marked running in the history when it starts; the latest jobs are where a daemon
    // that stopped mid-check left such marks.
    recheckApps: () => checks.resume(store.listJobs({ status: 'succeeded', limit: 1000 })),
    onPaused: ({ reason, cause }) => clients.notifyAll(P.PausedNotification, { reason, cause }),
    clock: NODE_CLOCK,
    log,
  });
  // The model provider (docs/architecture.md, "A model provider"), and its client for the settings in force.
  const provider = openRouterProvider;
  const client = (maxRetries = config().maxRetries) =>
    provider.connect({
      baseUrl: config().baseUrl,
      apiKey: settings.apiKey,
      scrubber,
      maxRetries,
      backoffBaseMs: config().backoffBaseMs,
      timeoutMs: config().timeoutMs,
      maxResponseBytes: config().maxResponseBytes,
    });
  const throttle = new ModelThrottle(() =>
    config().useQueue ? config().maxConcurrent : Number.POSITIVE_INFINITY,
  );
  // One attempt: the list only helps (pickers, estimates, model checks), and an offline daemon
  // should learn at once that it has none rather than after the backoffs.
  const models = new ModelCatalog(
    (signal) => client(0).listModels({ signal }),
    () => config().baseUrl,
  );
  const logUnused = logUnusedFieldsOnce((message, fields) => log.warn(message, fields));
  // Counts client requests: the catalogs below look at their folders again after each.
  let requestsSeen = 0;
  const freshness = { epoch: () => requestsSeen };
  const templates = cachedCatalog(
    () => loadTemplates({ workspaceDir: args.workspace }).then(logUnused),
    () => folderFingerprint(join(args.workspace, TEMPLATES_FOLDER)),
    freshness,
  );
  const findTemplate = async (slug: string) => (await templates()).templates.find((t) => t.slug === slug);
  // The workspace's prompt overrides, read again when their folder changed, like the templates.
  const promptSets = cachedCatalog(
    promptSetLoader(args.workspace),
    () => folderFingerprint(join(args.workspace, PROMPTS_FOLDER)),
    freshness,
  );
  const locks = new AppLocks(() => config().lockTimeoutMs);
  const service = new GenerationService({
    workspace: args.workspace,
    store,
    queue,
    log,
    now,
    newId: randomUUID,
    outputDir: () => config().outputDir,
    findTemplate,
    callModel: throttle.wrap((request, options) => client().complete(request, options)),
    provider,
    appStore,
    artifacts: new ArtifactStore(args.workspace, (text) => scrubber.scrub(text)),
    locks,
    prompts: promptSets,
    checkPrompts: async (template) => checkTemplatePrompts(template, await promptSets()),
    modelNames: (name) => models.namesToCheck(name),
    startGate: session.startGate,
    onChanged: (job: Job) => {
      clients.notifyAll(P.GenerationChangedNotification, job);
      batches.observe(job);
      clients.jobsChanged();
      checks.observe(job);
    },
  });
  const batchProgress = new LatestPerTick<P.BatchProgress>((progress) =>
    clients.notifyAll(P.BatchChangedNotification, progress),
  );
  const batches = new BatchService({
    workspace: args.workspace,
    service,
    listTemplates: async () => (await templates()).templates,
    skippedTemplates: async () => (await templates()).problems,
    listJobs: (batchId) => store.listJobs({ batchId }),
    newId: randomUUID,
    now,
    log,
    onProgress: (progress) => batchProgress.push(progress.batchId, progress),
    recordBatch: (record) => store.recordBatch(record),
    getBatch: (batchId) => store.getBatch(batchId),
    queuePaused: () => session.paused?.reason,
    estimate: batchCostEstimator({
      loadModels: () => models.list(),
      prices: (model) => models.pricesOf(model),
      templates: async () => (await templates()).templates,
    }),
    limitConcurrency: (batchId, maxConcurrent) => queue.limitGroup(batchId, maxConcurrent),
    dropQueued: (batchId, andLater) => queue.dropWaiting(batchId, andLater),
    prices: (model) => models.pricesOf(model),
    loadPrices: () => models.list(),
  });

  const checksProgress = new LatestPerTick<P.ChecksProgress>((progress) => {
    clients.notifyAll(P.ChecksChangedNotification, progress);
  });
  const python = new PythonCompiler(
    () => ({ setting: config().checksPython, path: env.PATH ?? '', timeoutMs: 30_000 }),
    args.workspace,
  );
  const checks = new CheckService({
    workspace: args.workspace,
    findTemplate,
    withAppLock: (key, fn) => locks.runExclusive(key, fn),
    compilePython: (files) => python.compile(files),
    smoke: smokeLevel(() => ({ python: config().checksPython, timeoutMs: config().checksTimeoutMs })),
    now,
    clock: () => performance.now(),
    getJob: (jobId) => store.getJob(jobId),
    updateJob: (jobId, patch) => service.update(jobId, patch),
    listJobs: (batchId) => store.listJobs({ batchId }),
    batchChecks: (batchId) => store.getBatch(batchId)?.options?.checks,
    appHolder: (job) => appHolder(args.workspace, job.appPath),
    autoStatic: () => config().checksStatic,
    concurrency: () => config().checksConcurrency,
    onProgress: (progress) => checksProgress.push(progress.batchId ?? '', progress),
    onBatchChecked: (batchId) => batches.refreshReport(batchId),
    log,
  });

  let shuttingDown: Promise<void> | undefined;
  const shutdown = (code: number) => {
    shuttingDown ??= (async () => {
      log.info('daemon stopping');
      // No new relays while stopping: a daemon started now waits for the lock, then takes over.
      ownerSocket.stopping();
      await service.shutdown();
      await checks.shutdown(); // checks under way end; those not started are dropped
      python.dispose();
      await batches.settled(); // a report being written is finished first
      batchProgress.flush();
      checksProgress.flush();
      await store.close();
      ownerSocket.close();
      await releaseLock();
      log.info('daemon stopped');
    })()
      .catch((error) => log.error('shutdown failed', { error }))
      .finally(() => setImmediate(() => process.exit(code)));
    return shuttingDown;
  };
  // A polite kill (an editor closing, Ctrl+C, a service manager) stops like daemon/shutdown, so the
  // history changes of the last moments are saved and the lock is released.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void shutdown(0));

  const clients = new ClientLifetime({
    busy: () => {
      const { queued, running } = service.counts();
      // A check under way keeps the daemon too: its result belongs in the history.
      return running > 0 || (queued > 0 && session.paused === undefined) || checks.pending > 0;
    },
    stop: () => void shutdown(0),
    log,
  });
  outputBackedUp = () => clients.anyBackedUp();

  const handlersFor = requestHandlers({
    workspace: args.workspace,
    pid: process.pid,
    uptimeMs: () => Date.now() - started,
    session,
    clients,
    queue,
    service,
    batches,
    checks,
    store,
    models,
    templates,
    findTemplate,
    prompts: promptSets,
    log,
  });
  const serve = (client: ClientConnection) => {
    registerHandlers(client.connection, handlersFor(client), log, () => requestsSeen++);
    clients.add(client);
    client.connection.listen();
  };
  ownerSocket.onClient((socket) =>
    serve(
      openClientConnection({
        input: socket,
        output: socket,
        transport: 'socket',
        log,
        close: () => socket.end(),
      }),
    ),
  );
  const stdout = new TickBatchedWritable(process.stdout);
  // A pipe is written synchronously, so what the last turn left still goes out as the process ends.
  process.once('exit', () => stdout.flush());
  serve(
    openClientConnection({
      input: process.stdin,
      output: stdout,
      unsentBytes: () => stdout.unsentBytes(),
      transport: 'stdio',
      log,
      // stdout cannot be closed; the client closes its end once it has the reply.
      close: () => process.stdin.destroy(),
    }),
  );
  batches.adopt(store.listUnfinished());
  // Jobs an earlier daemon left resume once the client has sent its key and settings (or soon
  // after start when no client says anything), so they do not run with the wrong ones.
  session.resumeAfterInitialize();
  log.info('daemon ready', { workspace: args.workspace, pid: process.pid, startupMs: Date.now() - started });
}

if (require.main === module) {
  void runDaemon(process.argv.slice(2), process.env);
}
