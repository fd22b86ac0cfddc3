/**
 * The daemon's entry point and the only place that creates things: it reads the command line and the
 * environment, opens the workspace's stores, builds the services and serves JSON-RPC on stdio.
 * stdout carries the protocol and nothing else; logs are JSON lines on stderr.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { join, resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import {
  createMessageConnection,
  type MessageConnection,
  type MessageWriter,
  SocketMessageReader,
  StreamMessageReader,
} from 'vscode-jsonrpc/node';
import type { Job } from '../shared/job';
import * as P from '../shared/protocol';
import { AppLocks } from './app-locks';
import { AppStore } from './app-store';
import { ArtifactStore } from './artifacts';
import { BatchService } from './batch/batch-service';
import { estimateBatchCost } from './batch/cost-estimate';
import { applyOverrides, ConfigError, configFromEnv, type DaemonConfig } from './config';
import { DaemonError } from './daemon-error';
import { FramedMessageWriter } from './framed-message-writer';
import { GenerationService } from './generation-service';
import { removeStaleTempFiles } from './history/atomic-write-file';
import { HistoryStore } from './history/history-store';
import { JobQueue } from './job-queue';
import { LatestPerTick } from './latest-per-tick';
import { createLogger } from './logger';
import { ModelCatalog } from './model-catalog';
import { ModelThrottle } from './model-throttle';
import { abortableSleep } from './openrouter/abortable-sleep';
import { OpenRouterClient } from './openrouter/openrouter-client';
import { buildPrompt } from './prompts/build-prompt';
import { connectWithRetry, ownerPatienceMs, relay } from './relay';
import { type DaemonHandlers, registerHandlers } from './rpc-handlers';
import { cachedCatalog } from './templates/cached-catalog';
import { loadTemplates } from './templates/template-catalog';
import { TickBatchedWritable } from './tick-batched-writable';
import { DAEMON_VERSION } from './version';
import { acquireWorkspaceLock, type LockInfo, processAlive, socketPathFor } from './workspace-lock';

interface Args {
  workspace: string;
}

// The history's SQLite engine is WebAssembly. By default V8 compiles its busy functions a second
// time with its optimising compiler, on background threads: in a new daemon that costs about a
// quarter of a second of CPU during the first jobs and more later, for statements that take
// microseconds either way. The baseline code (Liftoff) is kept instead. Set before sql.js loads.
setFlagsFromString('--liftoff-only');

function parseArgs(argv: string[]): Args {
  let workspace = process.cwd();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--stdio') continue;
    if (arg === '--workspace') {
      const value = argv[++i];
      if (!value) throw new ConfigError('--workspace needs a folder');
      workspace = value;
    } else if (arg?.startsWith('--workspace=')) {
      workspace = arg.slice('--workspace='.length);
    } else {
      throw new ConfigError(`unknown argument "${arg}"; usage: daemon --stdio --workspace <dir>`);
    }
  }
  return { workspace: resolve(workspace) };
}

/** Serves the workspace's socket; a socket file left by a dead owner is replaced. */
async function listenOnSocket(path: string): Promise<Server> {
  if (process.platform !== 'win32') await rm(path, { force: true });
  const server = createServer();
  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolvePromise();
    });
  });
  return server;
}

/**
 * A JSON-RPC connection over a client's socket. `end` closes the socket once every message written so
 * far has been handed to it, so a reply sent just before (to `daemon/shutdown`) still arrives.
 */
function socketConnection(socket: Socket): { connection: MessageConnection; end: () => void } {
  const writer = new FramedMessageWriter(socket);
  let lastWrite: Promise<void> = Promise.resolve();
  const tracked: MessageWriter = {
    onError: writer.onError,
    onClose: writer.onClose,
    write: (message) => {
      lastWrite = writer.write(message);
      return lastWrite;
    },
    end: () => writer.end(),
    dispose: () => writer.dispose(),
  };
  const connection = createMessageConnection(new SocketMessageReader(socket), tracked);
  return { connection, end: () => void lastWrite.catch(() => undefined).finally(() => socket.end()) };
}

/** Runs the daemon until stdin closes or `daemon/shutdown`. */
export async function runDaemon(argv: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const log = createLogger((line) => process.stderr.write(line));
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

  let args: Args;
  let envConfig: DaemonConfig;
  try {
    args = parseArgs(argv);
    envConfig = configFromEnv(env);
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
  let config = envConfig;
  let apiKey = env.OPENROUTER_API_KEY || undefined;
  log.redact(apiKey);

  const stateDir = join(args.workspace, '.appgen');
  try {
    mkdirSync(stateDir, { recursive: true });
  } catch (error) {
    return fail(`cannot use workspace ${args.workspace}: ${(error as Error).message}`);
  }

  const started = Date.now();
  const socketPath = socketPathFor(args.workspace);
  const lockInfo: LockInfo = { pid: process.pid, socket: socketPath, startedAt: new Date().toISOString() };
  let lock = await acquireWorkspaceLock(stateDir, lockInfo);
  while (lock.kind === 'taken') {
    // Another daemon owns this workspace: share its engine instead of opening the stores twice.
    const { holder } = lock;
    log.info('workspace served by another daemon; relaying', { pid: holder.pid });
    let socket: Socket;
    try {
      socket = await connectWithRetry(
        holder.socket,
        ownerPatienceMs(holder.startedAt, Date.now()),
        () => !processAlive(holder.pid),
      );
    } catch {
      // An owner that exited meanwhile (a shutdown under way) leaves the workspace to this daemon.
      if (!processAlive(holder.pid)) {
        lock = await acquireWorkspaceLock(stateDir, lockInfo);
        continue;
      }
      return fail(
        `workspace ${args.workspace} is in use by another AppGen process (pid ${holder.pid}) that does not answer on ${holder.socket}`,
      );
    }
    const end = await relay(socket, process.stdin, process.stdout);
    if (end === 'daemon')
      log.info('the daemon serving this workspace closed the connection', { pid: holder.pid });
    process.exit(0);
  }
  const server = await listenOnSocket(socketPath);
  // A relay may connect while the stores are still opening: its socket waits (its bytes stay
  // buffered) until the handlers exist, instead of being accepted and never answered.
  const earlySockets: Socket[] = [];
  let acceptSocket = (socket: Socket) => void earlySockets.push(socket);
  server.on('connection', (socket) => {
    socket.on('error', () => socket.destroy());
    acceptSocket(socket);
  });

  const now = () => new Date();
  const historyFile = join(stateDir, 'history.sqlite');
  for (const name of await removeStaleTempFiles(historyFile))
    log.warn('removed an unfinished history save', { file: name });
  const store = await HistoryStore.open({
    file: historyFile,
    // At most five full exports a second however fast jobs finish; a finished job is on disk
    // within 200 ms.
    minSaveIntervalMs: 200,
    wasmPath: join(__dirname, 'sql-wasm.wasm'),
    now,
    log: (message, fields) => log.info(message, fields as Record<string, unknown>),
  });
  const appStore = new AppStore(args.workspace, stateDir, now);
  for (const action of await appStore.recover()) log.warn(action);

  const clients = new Set<MessageConnection>();
  let resumeAfterInitialize: () => void = () => {};
  const queue = new JobQueue({ enabled: config.useQueue, maxConcurrent: config.maxConcurrent });
  const logQueue = () =>
    log.info(
      config.useQueue
        ? `Generation queue enabled with max_concurrent=${config.maxConcurrent}`
        : 'Generation queue disabled: every job starts at once',
    );
  logQueue();
  // Most texts hold no key: one search costs less than splitting and joining tens of kilobytes.
  const scrub = (text: string) => (apiKey && text.includes(apiKey) ? text.split(apiKey).join('***') : text);
  const client = (maxRetries = config.maxRetries) =>
    new OpenRouterClient({
      baseUrl: config.baseUrl,
      apiKey,
      maxRetries,
      backoffBaseMs: config.backoffBaseMs,
      timeoutMs: config.timeoutMs,
      referer: 'https://github.com/appgen/appgen',
      title: 'AppGen',
    });
  // Out of credits, every further call would fail too: stop starting jobs instead, keep them queued.
  let pausedReason: string | undefined;
  const pauseQueue = () => {
    if (pausedReason) return;
    pausedReason =
      'OpenRouter reports insufficient credits (HTTP 402): waiting jobs are paused, not failed. Add credits, then resume (AppGen: Resume Paused Queue, `appgen resume`, or daemon/resume).';
    queue.pause();
    log.warn(pausedReason);
    for (const client of clients)
      void client.sendNotification(P.PausedNotification, { reason: pausedReason });
  };
  const resumeQueue = () => {
    const wasPaused = pausedReason !== undefined;
    pausedReason = undefined;
    queue.resume();
    return wasPaused;
  };
  const throttle = new ModelThrottle({ now: Date.now, sleep: abortableSleep });
  // One attempt: the list only helps (pickers, estimates, model checks), and an offline daemon
  // should learn at once that it has none rather than after the backoffs.
  const models = new ModelCatalog(
    (signal) => client(0).listModels({ signal }),
    () => config.baseUrl,
  );
  const templates = cachedCatalog(() => loadTemplates({ workspaceDir: args.workspace }));
  const service = new GenerationService({
    workspace: args.workspace,
    store,
    queue,
    log,
    now,
    newId: randomUUID,
    outputDir: () => config.outputDir,
    findTemplate: async (slug) => (await templates()).templates.find((t) => t.slug === slug),
    callModel: throttle.wrap((request, options) => client().complete(request, options)),
    appStore,
    artifacts: new ArtifactStore(args.workspace, scrub),
    locks: new AppLocks(() => config.lockTimeoutMs),
    modelNames: (name) => models.namesToCheck(name),
    onChanged: (job: Job) => {
      for (const client of clients) void client.sendNotification(P.GenerationChangedNotification, job);
      if (job.status === 'failed' && job.error?.code === 'insufficient_credits') pauseQueue();
      batches.observe(job);
    },
  });
  const batchProgress = new LatestPerTick<P.BatchProgress>((progress) => {
    for (const client of clients) void client.sendNotification(P.BatchChangedNotification, progress);
  });
  const batches = new BatchService({
    workspace: args.workspace,
    service,
    listTemplates: async () => (await templates()).templates,
    listJobs: (batchId) => store.listJobs({ batchId }),
    newId: randomUUID,
    now,
    log,
    onProgress: (progress) => batchProgress.push(progress.batchId, progress),
    recordBatch: (record) => store.recordBatch(record),
    getBatch: (batchId) => store.getBatch(batchId),
    queuePaused: () => pausedReason,
    estimate: async (jobs) => {
      const known = await Promise.race([
        models.list().catch(() => undefined),
        new Promise<undefined>((r) => setTimeout(() => r(undefined), 3000).unref()),
      ]);
      if (!known) return undefined;
      const catalog = (await templates()).templates;
      const sizes = new Map<string, number>(); // one prompt build per template, not per job
      return estimateBatchCost({
        jobs,
        promptChars: (slug) => {
          let size = sizes.get(slug);
          if (size === undefined) {
            const template = catalog.find((t) => t.slug === slug);
            size = template
              ? (['backend', 'frontend'] as const)
                  .map((component) => buildPrompt({ template, component }))
                  .reduce((sum, p) => sum + p.system.length + p.user.length, 0)
              : 0;
            sizes.set(slug, size);
          }
          return size;
        },
        prices: (model) => models.pricesOf(model),
      });
    },
    limitConcurrency: (batchId, maxConcurrent) => queue.limitGroup(batchId, maxConcurrent),
    dropQueued: (batchId) => queue.dropWaiting(batchId),
    prices: (model) => models.pricesOf(model),
    loadPrices: () => models.list(),
  });

  let shuttingDown: Promise<void> | undefined;
  const shutdown = (code: number) => {
    shuttingDown ??= (async () => {
      log.info('daemon stopping');
      // No new relays while stopping: a daemon started now waits for this one to exit, then takes over.
      server.close();
      await service.shutdown();
      await batches.settled(); // a report being written is finished first
      batchProgress.flush();
      await store.close();
      await lock.release();
      log.info('daemon stopped');
    })()
      .catch((error) => log.error('shutdown failed', { error }))
      .finally(() => setImmediate(() => process.exit(code)));
    return shuttingDown;
  };
  // A polite kill (an editor closing, Ctrl+C, a service manager) stops like daemon/shutdown, so the
  // history changes of the last moments are saved and the lock is released.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void shutdown(0));

  const queueInfo = () => queue.info;
  /** `endClient` is set for a relayed client: its shutdown ends its own connection, not the shared daemon. */
  const handlersFor = (endClient: (() => void) | undefined): DaemonHandlers => ({
    initialize: (params: P.InitializeParams) => {
      const overrides = { ...(params.config ?? {}) };
      const key =
        params.apiKey ??
        (overrides.OPENROUTER_API_KEY as string | undefined) ??
        (overrides.apiKey as string | undefined);
      // Settings come from the client that sends them (the editor); a client that sends none (the
      // command line, relayed to an editor's daemon) leaves the ones in force.
      if (params.config) config = applyOverrides(envConfig, overrides);
      if (key === '') {
        apiKey = undefined; // an empty key clears it ("Clear API Key")
      } else if (key !== undefined) {
        if (key !== apiKey) resumeQueue(); // a new key may well have credits
        apiKey = key;
        log.redact(apiKey);
      }
      log.info('initialized', { client: params.clientName });
      if (params.config) {
        queue.configure({ enabled: config.useQueue, maxConcurrent: config.maxConcurrent });
        logQueue();
      }
      resumeAfterInitialize();
      return {
        protocolVersion: P.PROTOCOL_VERSION,
        daemonVersion: DAEMON_VERSION,
        workspace: args.workspace,
        queue: queueInfo(),
        hasApiKey: apiKey !== undefined,
        outputDir: config.outputDir,
      } satisfies P.InitializeResult;
    },
    'daemon/status': () =>
      ({
        ...service.counts(),
        queue: queueInfo(),
        pid: process.pid,
        workspace: args.workspace,
        daemonVersion: DAEMON_VERSION,
        hasApiKey: apiKey !== undefined,
        uptimeMs: Date.now() - started,
        ...(pausedReason ? { paused: pausedReason } : {}),
        history: (({ saves, checkpoints, logBytes, saveBusyMs }) => ({
          saves,
          checkpoints,
          logBytes,
          saveBusyMs,
        }))(store.stats()),
      }) satisfies P.StatusResult,
    'daemon/resume': () => ({ resumed: resumeQueue() }),
    'daemon/shutdown': () => {
      // Answer first, then stop: the reply must reach the client before the process ends.
      setImmediate(() => (endClient ? endClient() : void shutdown(0)));
      return {};
    },
    'templates/list': async () => {
      const { templates: list, problems } = await templates();
      for (const problem of problems)
        log.warn('template skipped', { file: problem.file, reason: problem.reason });
      return list.map(
        (t): P.TemplateSummary => ({
          slug: t.slug,
          name: t.name,
          description: t.description ?? '',
          category: t.category ?? '',
          source: t.source,
        }),
      );
    },
    'generation/start': (params: P.GenerationStartParams) => service.start(params),
    'generation/get': (params: P.JobIdParams) => service.get(params.jobId),
    'generation/list': (params: P.GenerationListParams) => service.list(params),
    'generation/cancel': (params: P.JobIdParams) => ({ cancelled: service.cancel(params.jobId) }),
    'generation/retry': (params: P.JobIdParams) => service.retry(params.jobId),
    'batch/start': (params: P.BatchStartParams) => batches.start(params.configPath),
    'batch/status': (params: { batchId?: unknown }) => batches.status(params.batchId),
    'batch/cancel': async (params: { batchId?: unknown }) => ({
      cancelled: await batches.cancel(params.batchId),
    }),
    'history/list': (params: P.HistoryListParams) => store.listJobs(params),
    'history/importLegacy': (params: { dbPath?: unknown }) => {
      if (typeof params.dbPath !== 'string' || params.dbPath === '') {
        throw new DaemonError('invalid_params', 'dbPath is required');
      }
      return store.importLegacy(resolve(args.workspace, params.dbPath));
    },
    'models/list': (params: { refresh?: unknown }) => models.list(params.refresh === true),
  });

  const serve = (connection: MessageConnection, endClient?: () => void) => {
    registerHandlers(connection, handlersFor(endClient), log);
    clients.add(connection);
    connection.onClose(() => {
      clients.delete(connection);
      if (!endClient) void shutdown(0);
    });
    connection.listen();
  };
  acceptSocket = (socket) => {
    const { connection, end } = socketConnection(socket);
    serve(connection, end);
  };
  for (const socket of earlySockets.splice(0)) acceptSocket(socket);
  const stdout = new TickBatchedWritable(process.stdout);
  // A pipe is written synchronously, so what the last turn left still goes out as the process ends.
  process.once('exit', () => stdout.flush());
  serve(createMessageConnection(new StreamMessageReader(process.stdin), new FramedMessageWriter(stdout)));
  process.stdin.on('end', () => void shutdown(0));
  batches.adopt(store.listUnfinished());
  // Jobs an earlier daemon left resume once the client has sent its key and settings (or soon
  // after start when no client says anything), so they do not run with the wrong ones.
  resumeAfterInitialize = () => {
    clearTimeout(resumeTimer);
    resumeAfterInitialize = () => {};
    const resumed = service.resumeUnfinished();
    if (resumed > 0) log.info(`resumed ${resumed} unfinished job(s)`);
  };
  const resumeTimer = setTimeout(() => resumeAfterInitialize(), 5000);
  resumeTimer.unref();
  log.info('daemon ready', { workspace: args.workspace, pid: process.pid, startupMs: Date.now() - started });
}

if (require.main === module) {
  void runDaemon(process.argv.slice(2), process.env);
}
