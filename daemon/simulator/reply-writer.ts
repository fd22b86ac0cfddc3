import type { ServerResponse } from 'node:http';
import { type EndlessReply, writeEndless } from './endless-reply';
import type { FaultKind, SimStepOptions } from './sim-step';

/** Everything needed to write one reply. */
export interface ReplyPlan {
  step: SimStepOptions;
  /** Whether the reply is an event stream (else a JSON body). */
  stream: boolean;
  model: string;
  content: string;
  promptTokens: number;
  generationId: string;
  promptPrice: number;
  completionPrice: number;
  /** The request's Authorization header, for replies that echo it. */
  authorization?: string;
  /** Seconds since the epoch, for the `created` field. */
  created: number;
  /** The `provider` field; default `SIM_PROVIDER`. */
  provider?: string;
}

/** The provider name the simulator reports. */
export const SIM_PROVIDER = 'Simulator';

interface ErrorReply {
  status: number;
  message: string;
  metadata?: Record<string, unknown>;
}

const ERROR_REPLIES: Partial<Record<FaultKind, (model: string) => ErrorReply>> = {
  http400: () => ({ status: 400, message: 'Invalid request: messages must be a non-empty array' }),
  http401: () => ({ status: 401, message: 'No auth credentials found' }),
  http402: () => ({
    status: 402,
    message: 'Insufficient credits. This account never purchased credits.',
  }),
  http403: (model) => ({ status: 403, message: `This key is not allowed to use ${model}` }),
  http404: (model) => ({ status: 404, message: `No endpoints found for ${model}.` }),
  http408: () => ({ status: 408, message: 'Request timed out upstream' }),
  http429: (model) => ({
    status: 429,
    message: 'Provider returned error',
    metadata: { raw: `${model} is temporarily rate-limited upstream`, provider_name: SIM_PROVIDER },
  }),
  http500: () => ({ status: 500, message: 'Internal Server Error' }),
  http503: () => ({
    status: 503,
    message: 'Provider returned error',
    metadata: {
      raw: JSON.stringify({ error: { message: 'The model is overloaded. Please try again later.' } }),
      provider_name: SIM_PROVIDER,
    },
  }),
  http504: () => ({ status: 504, message: 'Gateway Timeout' }),
};

const HTML_502 =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n' +
  '<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';
const HTML_200 =
  '<!DOCTYPE html><html><head><title>Maintenance</title></head><body><h1>We will be back soon</h1></body></html>';

/**
 * Writes a prepared reply; `onServerClose` is called just before a connection is dropped on purpose,
 * `onBody` with the size of each write of an endless reply.
 */
export type PreparedReply = (
  res: ServerResponse,
  onServerClose: () => void,
  onBody?: (bytes: number) => void,
) => Promise<void>;

/**
 * Does the work of a reply ahead of time (for a normal streamed answer, rendering every event), so
 * that writing it later costs only the write.
 */
export function prepareReply(original: ReplyPlan): PreparedReply {
  const plan = withEcho(original);
  const streamed =
    plan.stream && (plan.step.kind === 'ok' || plan.step.kind === 'length') ? streamEvents(plan) : undefined;
  return (res, onServerClose, onBody) =>
    plan.step.kind === 'endless-keep-alives' || plan.step.kind === 'endless-answer'
      ? writeEndless(res, endlessReply(plan), onBody)
      : writeReply(res, plan, onServerClose, streamed);
}

/** The plan with the request's Authorization header in every server-controlled text, when asked. */
function withEcho(plan: ReplyPlan): ReplyPlan {
  if (!plan.step.echoAuthorization) return plan;
  const echo = `(received ${plan.authorization ?? 'nothing'})`;
  return {
    ...plan,
    generationId: `${plan.generationId} ${echo}`,
    provider: `${SIM_PROVIDER} ${echo}`,
    model: `${plan.model} ${echo}`,
    content: `${plan.content}\nThis answer was served ${echo}.\n\n\`\`\`text ECHO.txt\nserved ${echo}\n\`\`\`\n`,
  };
}

/** What an endless reply repeats, in the plan's shape. */
function endlessReply(plan: ReplyPlan): EndlessReply {
  const head = JSON.stringify({
    id: plan.generationId,
    provider: plan.provider ?? SIM_PROVIDER,
    choices: [],
  });
  return {
    headers: commonHeaders(plan),
    stream: plan.stream,
    answer: plan.step.kind === 'endless-answer',
    answerEvent: (text) => event(chunk(plan, { delta: text })),
    // The content string of the first choice is opened and never closed.
    jsonHead: `${head.slice(0, -3)}[{"index":0,"message":{"role":"assistant","content":"`,
    intervalMs: plan.step.intervalMs ?? 0,
  };
}

/**
 * Writes the reply a plan asks for. `onServerClose` is called just before the simulator drops a
 * connection on purpose, so the request is recorded as closed by the server.
 */
async function writeReply(
  res: ServerResponse,
  plan: ReplyPlan,
  onServerClose: () => void,
  streamed?: string,
): Promise<void> {
  const { step } = plan;
  const drop = (): void => {
    onServerClose();
    res.socket?.destroy();
  };
  switch (step.kind) {
    case 'stall':
      return;
    case 'reset':
      drop();
      return;
    case 'http500string':
      sendBody(res, 500, 'application/json', JSON.stringify('Internal error'), plan);
      return;
    case 'http502html':
      sendBody(res, 502, 'text/html', HTML_502, plan);
      return;
    case 'http200html':
      sendBody(res, 200, 'text/html; charset=utf-8', HTML_200, plan);
      return;
    case 'cut-body':
      await writeCutBody(res, plan, drop);
      return;
    case 'cut-stream':
      if (!plan.stream) {
        await writeCutBody(res, plan, drop);
        return;
      }
  }
  const error = ERROR_REPLIES[step.kind]?.(plan.model);
  if (error) {
    // The model name in an echoing plan already carries the header.
    const message =
      step.echoAuthorization && !error.message.includes(plan.model)
        ? `${error.message} (received ${plan.authorization ?? 'nothing'})`
        : error.message;
    const body = {
      error: { message, code: error.status, ...(error.metadata ? { metadata: error.metadata } : {}) },
    };
    sendBody(res, error.status, 'application/json', JSON.stringify(body), plan);
    return;
  }
  if (plan.stream) await writeStream(res, plan, drop, streamed);
  else await writeJson(res, plan);
}

async function writeStream(
  res: ServerResponse,
  plan: ReplyPlan,
  drop: () => void,
  streamed?: string,
): Promise<void> {
  const { step } = plan;
  res.writeHead(200, {
    ...commonHeaders(plan),
    'Content-Type': 'text/event-stream',
    'Cache-Control': 'no-cache',
    Connection: 'keep-alive',
  });
  for (let i = 0; i < (step.keepAlives ?? 1); i += 1) res.write(': OPENROUTER PROCESSING\n\n');
  if (step.kind === 'stall-body') {
    res.flushHeaders();
    return;
  }
  if (step.kind === 'stream-error') {
    res.end(
      event(
        chunk(plan, { error: { code: 502, message: 'Provider disconnected before answering' } }, 'error'),
      ),
    );
    return;
  }
  if (step.kind === 'stream-finish-error') {
    res.end(event(chunk(plan, {}, 'error')));
    return;
  }
  if (step.kind === 'cut-stream' || step.kind === 'stream-error-after-content') {
    const pieces = split(plan.content, 64);
    const half = pieces.slice(0, Math.max(1, Math.floor(pieces.length / 2)));
    if (step.kind === 'cut-stream') {
      await flush(res, half.map((piece) => event(chunk(plan, { delta: piece }))).join(''));
      drop();
      return;
    }
    for (const piece of half) res.write(event(chunk(plan, { delta: piece })));
    // The text already produced is billed, and the error event says so, as a provider's would.
    const error = chunk(plan, { error: { code: 502, message: 'Provider disconnected mid-answer' } }, 'error');
    res.end(event({ ...error, usage: usage(plan, half.join('')) }));
    return;
  }
  // With no pause between its events, the whole answer goes out in one write (the client still
  // sees it in arbitrary pieces, as TCP delivers them).
  res.end(streamed ?? streamEvents(plan));
}

/** Every event of a normal (or `length`) streamed answer, in order. */
function streamEvents(plan: ReplyPlan): string {
  const text = plan.step.kind === 'length' ? truncated(plan.content) : plan.content;
  const events = split(text, 64).map((piece) => event(chunk(plan, { delta: piece })));
  events.push(event(chunk(plan, {}, plan.step.kind === 'length' ? 'length' : 'stop')));
  events.push(event({ ...chunkHead(plan), choices: [], usage: usage(plan, text) }));
  events.push('data: [DONE]\n\n');
  return events.join('');
}

async function writeJson(res: ServerResponse, plan: ReplyPlan): Promise<void> {
  const { step } = plan;
  const keepAlives = step.keepAlives ?? 0;
  if (step.kind === 'stall-body') {
    res.writeHead(200, { ...commonHeaders(plan), 'Content-Type': 'application/json' });
    res.write('\n');
    return;
  }
  const finish = step.kind === 'length' ? 'length' : step.kind === 'ok' ? 'stop' : 'error';
  const body = JSON.stringify(completionJson(plan, finish));
  if (keepAlives === 0) {
    sendBody(res, 200, 'application/json', body, plan);
    return;
  }
  res.writeHead(200, { ...commonHeaders(plan), 'Content-Type': 'application/json' });
  for (let i = 0; i < keepAlives; i += 1) await flush(res, '\n');
  res.end(body);
}

async function writeCutBody(res: ServerResponse, plan: ReplyPlan, drop: () => void): Promise<void> {
  const body = Buffer.from(JSON.stringify(completionJson(plan, 'stop')));
  res.writeHead(200, {
    ...commonHeaders(plan),
    'Content-Type': 'application/json',
    'Content-Length': body.length,
  });
  await flush(res, body.subarray(0, Math.floor(body.length / 2)));
  drop();
}

function completionJson(plan: ReplyPlan, finish: string): Record<string, unknown> {
  const text =
    finish === 'length' || (finish === 'error' && plan.step.kind === 'stream-error-after-content')
      ? truncated(plan.content)
      : finish === 'error'
        ? ''
        : plan.content;
  return {
    id: plan.generationId,
    provider: plan.provider ?? SIM_PROVIDER,
    model: plan.model,
    object: 'chat.completion',
    created: plan.created,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: text },
        finish_reason: finish,
        ...(finish === 'error' ? { error: { code: 502, message: 'Provider disconnected' } } : {}),
      },
    ],
    usage: usage(plan, text),
  };
}

function chunkHead(plan: ReplyPlan): Record<string, unknown> {
  return {
    id: plan.generationId,
    provider: plan.provider ?? SIM_PROVIDER,
    model: plan.model,
    object: 'chat.completion.chunk',
    created: plan.created,
  };
}

function chunk(
  plan: ReplyPlan,
  part: { delta?: string; error?: { code: number; message: string } },
  finish: string | null = null,
): Record<string, unknown> {
  return {
    ...chunkHead(plan),
    ...(part.error ? { error: part.error } : {}),
    choices: [{ index: 0, delta: { role: 'assistant', content: part.delta ?? '' }, finish_reason: finish }],
  };
}

function usage(plan: ReplyPlan, text: string): Record<string, number> {
  const completion = estimateTokens(text);
  const cost = plan.promptTokens * plan.promptPrice + completion * plan.completionPrice;
  return {
    prompt_tokens: plan.promptTokens,
    completion_tokens: completion,
    total_tokens: plan.promptTokens + completion,
    cost: Number(cost.toFixed(10)),
  };
}

/** Roughly four characters a token, as a stand-in for a tokenizer. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

function commonHeaders(plan: ReplyPlan): Record<string, string> {
  const headers: Record<string, string> = { 'X-Generation-Id': plan.generationId };
  if (plan.step.retryAfter !== undefined) headers['Retry-After'] = plan.step.retryAfter;
  else if (plan.step.kind === 'http429') headers['Retry-After'] = '0';
  return headers;
}

function sendBody(res: ServerResponse, status: number, type: string, body: string, plan: ReplyPlan): void {
  res.writeHead(status, {
    ...commonHeaders(plan),
    'Content-Type': type,
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}

function event(data: unknown): string {
  return `data: ${JSON.stringify(data)}\n\n`;
}

/** Cuts an answer at about 60%, inside a code block, as a token limit would. */
function truncated(text: string): string {
  return text.slice(0, Math.floor(text.length * 0.6));
}

function split(text: string, size: number): string[] {
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size));
  return pieces.length > 0 ? pieces : [''];
}

/** Writes and waits until the data has been handed to the socket, so a following drop cuts after it. */
function flush(res: ServerResponse, data: string | Uint8Array): Promise<void> {
  return new Promise((resolve) => {
    if (res.destroyed) {
      resolve();
      return;
    }
    res.once('close', () => resolve());
    res.write(data, () => resolve());
  });
}
