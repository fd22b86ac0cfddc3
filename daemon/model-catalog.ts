/**
 * The provider's model list (`ModelClient.listModels`), fetched once and kept for an hour (it
 * changes rarely and, at OpenRouter, is large), so the model picker, cost estimates and model name
 * checks do not each cost a request. A failed fetch is not cached for `list`; name checks remember
 * it for a minute (see `namesToCheck`).
 */
import type { ModelInfo } from '../shared/protocol';
import { indexModelNames, type ModelNames, namesModel } from './model-catalog-lookup';
import type { ModelPrices, ModelSummary } from './provider/chat-call';

/** Fetches the provider's model list; the signal ends a fetch that takes too long. */
export type ModelListFetcher = (signal: AbortSignal) => Promise<ModelSummary[]>;

export const MODEL_LIST_TTL_MS = 60 * 60 * 1000;

export interface ModelCatalogLimits {
  /** How long a name check waits for the list before taking the name unchecked. */
  checkWaitMs: number;
  /**
   * After the list could not be had for a check, later checks take names unchecked for this long
   * instead of each asking again: a batch against a server without `/models` costs one request.
   */
  unavailableMemoryMs: number;
  /** A name missing from a cached list at least this old fetches the list again: models are added often. */
  recheckAfterMs: number;
  /** One fetch's limit, retries included, so a server that never answers does not hold a request open. */
  fetchTimeoutMs: number;
}

export const DEFAULT_MODEL_CATALOG_LIMITS: ModelCatalogLimits = {
  checkWaitMs: 2000,
  unavailableMemoryMs: 60_000,
  recheckAfterMs: 60_000,
  fetchTimeoutMs: 30_000,
};

interface CachedList {
  at: number;
  baseUrl: string;
  models: ModelInfo[];
  names?: ModelNames;
}

export class ModelCatalog {
  private cached: CachedList | undefined;
  private inflight: { baseUrl: string; promise: Promise<ModelInfo[]> } | undefined;
  private unavailable: { at: number; baseUrl: string } | undefined;
  private readonly limits: ModelCatalogLimits;

  constructor(
    private readonly fetchModels: ModelListFetcher,
    private readonly baseUrl: () => string,
    private readonly now: () => number = Date.now,
    limits: Partial<ModelCatalogLimits> = {},
  ) {
    this.limits = { ...DEFAULT_MODEL_CATALOG_LIMITS, ...limits };
  }

  /** The list, from the cache while it is fresh and for the same server. */
  async list(refresh = false): Promise<ModelInfo[]> {
    const cached = this.fresh();
    if (!refresh && cached) return cached.models;
    return this.fetch();
  }

  /**
   * The model names to check `name` against: the cached list, or one fetched now if it comes
   * within `checkWaitMs`. Undefined when no list can be had (the fetch failed, was too slow, or
   * the server lists nothing): the name is then taken unchecked, as offline servers and
   * OpenAI-compatible ones without `/models` must keep working.
   */
  async namesToCheck(name: string): Promise<ModelNames | undefined> {
    const baseUrl = this.baseUrl();
    const cached = this.fresh();
    if (
      cached &&
      (namesModel(namesOf(cached), name) || this.now() - cached.at < this.limits.recheckAfterMs)
    ) {
      return usable(namesOf(cached));
    }
    const unavailable = this.unavailable;
    if (
      !cached &&
      unavailable?.baseUrl === baseUrl &&
      this.now() - unavailable.at < this.limits.unavailableMemoryMs
    ) {
      return undefined;
    }
    const models = await waitAtMost(
      this.fetch().catch(() => undefined),
      this.limits.checkWaitMs,
    );
    const latest = this.fresh();
    if (models === undefined || !latest) {
      // A list that could be read a while ago still says more than none.
      if (cached) return usable(namesOf(cached));
      this.unavailable = { at: this.now(), baseUrl };
      return undefined;
    }
    return usable(namesOf(latest));
  }

  /** Prices of one model from the cached list only (never a request), if known. */
  pricesOf(model: string): ModelPrices | undefined {
    return this.cached?.models.find((m) => m.id === model);
  }

  private fresh(): CachedList | undefined {
    const cached = this.cached;
    return cached && cached.baseUrl === this.baseUrl() && this.now() - cached.at < MODEL_LIST_TTL_MS
      ? cached
      : undefined;
  }

  /** Concurrent callers for one server share one request. */
  private fetch(): Promise<ModelInfo[]> {
    const baseUrl = this.baseUrl();
    if (this.inflight?.baseUrl === baseUrl) return this.inflight.promise;
    const promise = this.fetchModels(AbortSignal.timeout(this.limits.fetchTimeoutMs))
      .then((models) => {
        this.cached = { at: this.now(), models, baseUrl };
        if (this.unavailable?.baseUrl === baseUrl) this.unavailable = undefined;
        return models;
      })
      .finally(() => {
        if (this.inflight?.promise === promise) this.inflight = undefined;
      });
    this.inflight = { baseUrl, promise };
    return promise;
  }
}

function namesOf(cached: CachedList): ModelNames {
  cached.names ??= indexModelNames(cached.models.map((m) => m.id));
  return cached.names;
}

/** An empty list says nothing about names; checking against it would refuse every model. */
function usable(names: ModelNames): ModelNames | undefined {
  return names.ids.size > 0 ? names : undefined;
}

/** `promise`'s value, or undefined once `ms` have passed without one (the promise runs on). */
function waitAtMost<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
    timer.unref?.();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
