/**
 * OpenRouter's model list, fetched once and kept for an hour (it changes rarely and is large), so
 * the model picker and cost estimates do not each cost a request. A failed fetch is not cached.
 */
import type { ModelInfo } from '../shared/protocol';

export const MODEL_LIST_TTL_MS = 60 * 60 * 1000;

export class ModelCatalog {
  private cached: { at: number; models: ModelInfo[]; baseUrl: string } | undefined;
  private inflight: Promise<ModelInfo[]> | undefined;

  constructor(
    private readonly fetchModels: () => Promise<ModelInfo[]>,
    private readonly baseUrl: () => string,
    private readonly now: () => number = Date.now,
  ) {}

  /** The list, from the cache while it is fresh and for the same server. */
  async list(refresh = false): Promise<ModelInfo[]> {
    const cached = this.cached;
    if (
      !refresh &&
      cached &&
      cached.baseUrl === this.baseUrl() &&
      this.now() - cached.at < MODEL_LIST_TTL_MS
    ) {
      return cached.models;
    }
    // Concurrent callers share one request.
    this.inflight ??= this.fetchModels()
      .then((models) => {
        this.cached = { at: this.now(), models, baseUrl: this.baseUrl() };
        return models;
      })
      .finally(() => {
        this.inflight = undefined;
      });
    return this.inflight;
  }

  /** Prices of one model from the cached list only (never a request), if known. */
  pricesOf(model: string): Pick<ModelInfo, 'promptPrice' | 'completionPrice'> | undefined {
    return this.cached?.models.find((m) => m.id === model);
  }
}
