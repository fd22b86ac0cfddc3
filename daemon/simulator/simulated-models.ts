/** A model the simulator lists under `GET /models`, with prices in USD per token. */
export interface SimulatedModel {
  id: string;
  name: string;
  promptPrice: number;
  completionPrice: number;
  contextLength: number;
}

/** Prices for models the simulator is asked about but does not list. */
export const DEFAULT_PRICING = { promptPrice: 0.000001, completionPrice: 0.000002 };

/** The default model list: well-behaved models and the ones whose ids select a misbehaviour. */
export const SIMULATED_MODELS: readonly SimulatedModel[] = [
  {
    id: 'sim/alpha',
    name: 'Simulated Alpha',
    promptPrice: 0.000001,
    completionPrice: 0.000002,
    contextLength: 128000,
  },
  {
    id: 'sim/beta',
    name: 'Simulated Beta',
    promptPrice: 0.0000005,
    completionPrice: 0.0000015,
    contextLength: 64000,
  },
  { id: 'sim/free:free', name: 'Simulated Free', promptPrice: 0, completionPrice: 0, contextLength: 32000 },
  {
    id: 'sim/flaky',
    name: 'Simulated Flaky',
    promptPrice: 0.000001,
    completionPrice: 0.000002,
    contextLength: 32000,
  },
  {
    id: 'sim/slow',
    name: 'Simulated Slow',
    promptPrice: 0.000001,
    completionPrice: 0.000002,
    contextLength: 32000,
  },
  {
    id: 'sim/truncate',
    name: 'Simulated Truncating',
    promptPrice: 0.000001,
    completionPrice: 0.000002,
    contextLength: 8000,
  },
  {
    id: 'sim/fail-always',
    name: 'Simulated Broken',
    promptPrice: 0.000001,
    completionPrice: 0.000002,
    contextLength: 8000,
  },
];

/** The `GET /models` body in OpenRouter's shape (prices as decimal strings). */
export function modelsBody(models: readonly SimulatedModel[]): unknown {
  return {
    data: models.map((model) => ({
      id: model.id,
      name: model.name,
      created: 1_700_000_000,
      description: `${model.name}, served by the local simulator.`,
      context_length: model.contextLength,
      architecture: { modality: 'text->text', input_modalities: ['text'], output_modalities: ['text'] },
      pricing: { prompt: priceString(model.promptPrice), completion: priceString(model.completionPrice) },
      top_provider: { context_length: model.contextLength, is_moderated: false },
    })),
  };
}

function priceString(value: number): string {
  return value === 0 ? '0' : value.toFixed(10).replace(/0+$/, '');
}
