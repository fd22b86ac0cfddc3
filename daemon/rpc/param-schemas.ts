/**
 * The params of every request of shared/protocol.ts, declared once: types and ranges of each field,
 * checked by rpc-handlers.ts before a handler runs. What needs the daemon's state (is the template
 * known, does the job exist) is the handlers' to check. Fields not declared are ignored.
 */
import { CHECK_LEVELS, COMPONENTS, JOB_STATUSES } from '../../shared/job';
import { MAX_APP_NUM, modelIdProblem } from '../../shared/model-slug';
import type { ALL_REQUESTS } from '../../shared/protocol';
import { applyOverrides, ConfigError, DEFAULT_CONFIG } from '../config';
import {
  and,
  boolean,
  type Check,
  integer,
  listOf,
  number,
  object,
  oneOf,
  optional,
  type ParamsRule,
  required,
  text,
} from './param-checks';

export type RequestMethod = (typeof ALL_REQUESTS)[number]['method'];

const id = text({ maxLength: 200 });
const slug = text({ maxLength: 255 });
const path = text({ maxLength: 4096 });
const secret = text({ maxLength: 4096, allowBlank: true, secret: true });

/** A model id or slug whose folder name is one safe path segment. */
const model: Check = and<string>(text({ maxLength: Number.MAX_SAFE_INTEGER }), (value) =>
  modelIdProblem(value.trim()),
);

/** `config` of `initialize`: every setting is checked by the config reader, without applying it. */
const config: Check = object({ apiKey: optional(secret), OPENROUTER_API_KEY: optional(secret) }, (value) => {
  try {
    applyOverrides(DEFAULT_CONFIG, value);
    return undefined;
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
});

const options = object({
  temperature: optional(number(0, 2)),
  maxTokens: optional(integer(1, 1_000_000)),
});

const jobId: ParamsRule = { jobId: required(id) };
const batchId: ParamsRule = { batchId: required(id) };
const none: ParamsRule = {};

/** Every request's params rule, by method; the compiler and a test hold it to the protocol. */
export const PARAM_SCHEMAS: { readonly [M in RequestMethod]: ParamsRule } = {
  initialize: {
    clientName: optional(text({ maxLength: 200, allowBlank: true })),
    apiKey: optional(secret),
    config: optional(config),
    resumeUnfinished: optional(boolean),
  },
  'daemon/status': none,
  'daemon/resume': none,
  'daemon/shutdown': none,
  'templates/list': none,
  'templates/problems': none,
  'generation/start': {
    templateSlug: required(slug),
    model: required(model),
    appNum: optional(integer(1, MAX_APP_NUM)),
    priority: optional(number(-1_000_000, 1_000_000)),
    components: optional(listOf(oneOf(COMPONENTS), { minItems: 1, maxItems: COMPONENTS.length })),
    options: optional(options),
  },
  'generation/get': jobId,
  'generation/list': { status: optional(oneOf(JOB_STATUSES)), batchId: optional(id) },
  'generation/cancel': jobId,
  'generation/retry': jobId,
  'batch/start': { configPath: optional(path) },
  'batch/status': batchId,
  'batch/cancel': batchId,
  'history/list': {
    limit: optional(integer(0, 1_000_000)),
    model: optional(text({ maxLength: 1000 })),
    templateSlug: optional(slug),
    status: optional(oneOf(JOB_STATUSES)),
  },
  'history/importLegacy': { dbPath: required(path) },
  'models/list': { refresh: optional(boolean) },
  'prompts/render': { templateSlug: required(slug), component: optional(oneOf(COMPONENTS)) },
  'app/check': {
    ...jobId,
    levels: optional(listOf(oneOf(CHECK_LEVELS), { minItems: 1, maxItems: CHECK_LEVELS.length })),
  },
  'batch/check': {
    ...batchId,
    levels: optional(listOf(oneOf(CHECK_LEVELS), { minItems: 1, maxItems: CHECK_LEVELS.length })),
  },
};
