import { EventEmitter } from 'node:events';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { estimateTokens, prepareReply } from './reply-writer';
import type { ModelBehavior, SimStep, SimStepOptions } from './sim-step';
import {
  chargedPricing,
  modelsBody,
  SIMULATED_MODELS,
  type SimulatedModel,
  scriptedModels,
} from './simulated-models';
import { type PromptMessage, simulatedReply } from './simulated-reply';
import { type ScriptedReply, StepScript } from './step-script';

export type {
  FaultKind,
  ModelBehavior,
  RandomFaults,
  ReplyFormat,
  SimStep,
  SimStepOptions,
} from './sim-step';
export type { SimulatedModel } from './simulated-models';

export interface SimulatorOptions {
  /** Default 0: any free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Path prefix of the API. Default `/api/v1`. */
  basePath?: string;
  /** Wait before every answer unless a step or model says otherwise. Default 0. */
  latencyMs?: number;
  /** Wait for models whose id contains `slow`. Default 1500. */
  slowLatencyMs?: number;
  /** The `GET /models` list and the prices used for cost; models with a script are listed too. */
  models?: readonly SimulatedModel[];
  /** Default true. False: `GET /models` is 404, as on an OpenAI-compatible server without it. */
  serveModelList?: boolean;
  /** When set, chat requests without `Authorization: Bearer <apiKey>` get 401. */
  apiKey?: string;
  now?: () => number;
}

/** One request as the simulator received it. */
export interface RecordedRequest {
  /** 1, 2, ... in arrival order. */
  seq: number;
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body, when there was one. */
  body: unknown;
  model?: string;
  stream: boolean;
  /** Arrival time, ms since the epoch. */
  time: number;
  /** Body bytes of an endless reply written so far. */
  bodyBytes?: number;
  /** The step that was served (chat requests). */
  served?: SimStepOptions['kind'];
  /** The generation id the answer carries (chat requests that got as far as an answer). */
  generationId?: string;
  /**
   * How the exchange ended: `completed` (response sent), `client-closed` (the client went away
   * first), `server-closed` (the simulator dropped the connection on purpose).
   */
  outcome?: 'completed' | 'client-closed' | 'server-closed';
}

/**
 * A local stand-in for OpenRouter's chat completions API: answers with plausible app code, records
 * every request and the concurrency it saw, and misbehaves on request (see `SimStep`).
 *
 * Events: `request` (a chat request arrived, with its body), `finished` (its exchange ended),
 * `body` (an endless reply wrote more; `bodyBytes` says how much in all).
 */
export class Simulator extends EventEmitter {
  /** Base URL to give a client, e.g. `http://127.0.0.1:41234/api/v1`. */
  readonly url: string;
  /** Every request received since start or the last `reset()`, in arrival order. */
  requests: RecordedRequest[] = [];
  private inFlightCount = 0;
  private peak = 0;
  private seq = 0;
  private generation = 0;
  private readonly script: StepScript;
  private readonly timers = new Set<{ timer: NodeJS.Timeout; done: () => void }>();
  private gate: { promise: Promise<void>; open: () => void } | undefined;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly server: Server,
    private readonly options: SimulatorOptions,
  ) {
    super();
    this.script = new StepScript(options.slowLatencyMs ?? 1500);
    const { port } = server.address() as AddressInfo;
    this.url = `http://${options.host ?? '127.0.0.1'}:${port}${basePath(options)}`;
  }

  /** Chat requests being served right now. */
  get inFlight(): number {
    return this.inFlightCount;
  }

  /** The most chat requests served at once since start or the last `reset()`. */
  get peakConcurrency(): number {
    return this.peak;
  }

  /** Chat requests only (the model list is left out). */
  get chatRequests(): RecordedRequest[] {
    return this.requests.filter((request) => request.path.endsWith('/chat/completions'));
  }

  /** Serves these steps to the next chat requests, whatever their model, before any model script. */
  enqueueFaults(steps: SimStep[]): void {
    this.script.enqueue(steps);
  }

  /** Scripts a model's replies; replaces an earlier script for it. */
  setModelBehavior(model: string, behavior: ModelBehavior): void {
    this.script.setModelBehavior(model, behavior);
  }

  /** Holds every new chat request (counted as in flight) until `resume()`. */
  pause(): void {
    if (this.gate) return;
    let open = (): void => {};
    const promise = new Promise<void>((resolve) => {
      open = resolve;
    });
    this.gate = { promise, open };
  }

  /** Lets held and new requests through. */
  resume(): void {
    this.gate?.open();
    this.gate = undefined;
  }

  /** Resolves once at least `count` chat requests have arrived since the last reset. */
  waitForRequests(count: number): Promise<RecordedRequest[]> {
    return new Promise((resolve) => {
      const check = (): boolean => {
        const chats = this.chatRequests;
        if (chats.length < count) return false;
        this.off('request', onRequest);
        resolve(chats);
        return true;
      };
      const onRequest = (): void => {
        check();
      };
      this.on('request', onRequest);
      check();
    });
  }

  /** Forgets recorded requests, queued faults, model scripts and the peak; lets held requests go. */
  reset(): void {
    this.requests = [];
    this.script.clear();
    this.peak = this.inFlightCount;
    this.resume();
  }

  /** Stops listening and ends every connection, stalled ones included. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      this.resume();
      for (const entry of this.timers) {
        clearTimeout(entry.timer);
        entry.done();
      }
      this.timers.clear();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    return this.closing;
  }

  /** @internal Entry point for the HTTP server. */
  handle(req: IncomingMessage, res: ServerResponse): void {
    const path = new URL(req.url ?? '/', 'http://simulator').pathname.replace(/\/+$/, '');
    const base = basePath(this.options);
    const run = async (): Promise<void> => {
      if (req.method === 'POST' && path === `${base}/chat/completions`) await this.chat(req, res, path);
      else if (req.method === 'GET' && path === `${base}/models` && this.options.serveModelList !== false)
        await this.models(req, res, path);
      else {
        await readBody(req);
        sendJson(res, 404, { error: { message: `No route for ${req.method} ${path}`, code: 404 } });
      }
    };
    run().catch((error: unknown) => {
      if (!res.headersSent && !res.destroyed) {
        sendJson(res, 500, { error: { message: `Simulator failure: ${String(error)}`, code: 500 } });
      } else {
        res.destroy();
      }
    });
  }

  private async models(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    await readBody(req);
    this.record(req, path, undefined);
    const listed = this.options.models ?? SIMULATED_MODELS;
    sendJson(res, 200, modelsBody([...listed, ...scriptedModels(listed, this.script.scriptedModels())]));
  }

  private async chat(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    this.inFlightCount += 1;
    this.peak = Math.max(this.peak, this.inFlightCount);
    let record: RecordedRequest | undefined;
    let serverClosed = false;
    res.on('close', () => {
      this.inFlightCount -= 1;
      if (!record) return;
      record.outcome = serverClosed ? 'server-closed' : res.writableFinished ? 'completed' : 'client-closed';
      this.emit('finished', record);
    });
    const text = await readBody(req);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    record = this.record(req, path, body);
    const payload = isObject(body) ? body : {};
    const model = typeof payload.model === 'string' ? payload.model : '';
    const messages = promptMessages(payload.messages);
    if (body === undefined || model === '' || messages.length === 0) {
      record.served = 'http400';
      this.emit('request', record);
      sendJson(res, 400, {
        error: { message: 'The body must be JSON with a model and messages', code: 400 },
      });
      return;
    }
    const { apiKey } = this.options;
    const unauthorized = apiKey !== undefined && req.headers.authorization !== `Bearer ${apiKey}`;
    const { step, behavior, content }: ScriptedReply = unauthorized
      ? { step: { kind: 'http401' }, content: simulatedReply }
      : this.script.next(model, messages);
    record.served = step.kind;
    this.emit('request', record);
    if (this.gate) await this.gate.promise;
    const format = step.format ?? behavior?.format ?? 'auto';
    const pricing = chargedPricing(this.options.models ?? SIMULATED_MODELS, model);
    this.generation += 1;
    record.generationId = `gen-sim-${String(this.generation).padStart(6, '0')}`;
    // Prepared before the wait: the latency stands for the model's time to answer, and the
    // simulator's own work would otherwise be added to every call it serves.
    const reply = prepareReply({
      step: { ...step, keepAlives: step.keepAlives ?? behavior?.keepAlives },
      stream: format === 'sse' || (format === 'auto' && payload.stream === true),
      model,
      content: content(messages, model),
      promptTokens: estimateTokens(messages.map((message) => message.content).join('\n')),
      generationId: record.generationId,
      promptPrice: pricing.promptPrice,
      completionPrice: pricing.completionPrice,
      authorization: req.headers.authorization,
      created: Math.floor(this.now() / 1000),
    });
    const latency = step.latencyMs ?? behavior?.latencyMs ?? this.options.latencyMs ?? 0;
    if (latency > 0) await this.wait(latency, res);
    if (res.destroyed || this.closing) return;
    await reply(
      res,
      () => {
        serverClosed = true;
      },
      (bytes) => {
        if (!record) return;
        record.bodyBytes = (record.bodyBytes ?? 0) + bytes;
        this.emit('body', record);
      },
    );
  }

  private record(req: IncomingMessage, path: string, body: unknown): RecordedRequest {
    this.seq += 1;
    const payload = isObject(body) ? body : {};
    const record: RecordedRequest = {
      seq: this.seq,
      method: req.method ?? '',
      path,
      headers: req.headers,
      body,
      stream: payload.stream === true,
      time: this.now(),
    };
    if (typeof payload.model === 'string') record.model = payload.model;
    this.requests.push(record);
    return record;
  }

  /** Waits, but gives up early when the client leaves or the simulator closes. */
  private wait(ms: number, res: ServerResponse): Promise<void> {
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => done(), ms),
        done: () => done(),
      };
      const done = (): void => {
        clearTimeout(entry.timer);
        this.timers.delete(entry);
        res.off('close', done);
        resolve();
      };
      this.timers.add(entry);
      res.once('close', done);
    });
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}

/** Starts a simulator listening on 127.0.0.1 (a free port unless one is given). */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  let simulator: Simulator | undefined;
  const server = createServer((req, res) => simulator?.handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  simulator = new Simulator(server, options);
  return simulator;
}

function basePath(options: SimulatorOptions): string {
  const base = options.basePath ?? '/api/v1';
  return base === '/' ? '' : `/${base.replace(/^\/+|\/+$/g, '')}`;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    // A client that leaves mid-upload: serve nothing, but do not hang.
    req.on('error', () => resolve(''));
    req.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function promptMessages(value: unknown): PromptMessage[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isObject).map((message) => ({
    role: typeof message.role === 'string' ? message.role : 'user',
    content: typeof message.content === 'string' ? message.content : '',
  }));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
