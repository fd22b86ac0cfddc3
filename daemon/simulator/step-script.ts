import { createHash } from 'node:crypto';
import { modelConvention } from './model-conventions';
import { seededRandom } from './seeded-random';
import {
  type ContentFn,
  type ModelBehavior,
  type SimStep,
  type SimStepOptions,
  toStepOptions,
} from './sim-step';
import { type PromptMessage, simulatedReply } from './simulated-reply';

/** What to serve for one request. */
export interface ScriptedReply {
  step: SimStepOptions;
  /** The model's defaults (latency, format, keep-alives), when it has any. */
  behavior?: ModelBehavior;
  content: ContentFn;
}

interface BehaviorState {
  behavior: ModelBehavior;
  used: number;
  /** For `randomFaults`: the generator, and how many of its steps were served. */
  random: () => number;
  randomServed: number;
}

/**
 * Decides what the simulator serves next: queued faults first, then the model's script, then the
 * convention its id selects, else a normal answer.
 */
export class StepScript {
  private readonly queue: SimStepOptions[] = [];
  private readonly behaviors = new Map<string, BehaviorState>();
  /** Calls whose first attempt has been seen, for per-call conventions. */
  private readonly seenCalls = new Set<string>();

  constructor(private readonly slowLatencyMs: number) {}

  enqueue(steps: SimStep[]): void {
    this.queue.push(...steps.map(toStepOptions));
  }

  setModelBehavior(model: string, behavior: ModelBehavior): void {
    const random = seededRandom(behavior.randomFaults?.seed ?? 1);
    this.behaviors.set(model, { behavior, used: 0, random, randomServed: 0 });
  }

  /** Models with a script. */
  scriptedModels(): string[] {
    return [...this.behaviors.keys()];
  }

  clear(): void {
    this.queue.length = 0;
    this.behaviors.clear();
    this.seenCalls.clear();
  }

  next(model: string, messages: PromptMessage[]): ScriptedReply {
    const state = this.behaviors.get(model);
    const convention = modelConvention(model, this.slowLatencyMs);
    const scripted = state?.behavior.content;
    const content: ContentFn =
      typeof scripted === 'string' ? () => scripted : (scripted ?? convention?.content ?? simulatedReply);
    const behavior =
      state?.behavior ?? (convention?.latencyMs ? { latencyMs: convention.latencyMs } : undefined);
    return { step: this.pickStep(model, messages, state, convention), behavior, content };
  }

  private pickStep(
    model: string,
    messages: PromptMessage[],
    state: BehaviorState | undefined,
    convention: ReturnType<typeof modelConvention>,
  ): SimStepOptions {
    const queued = this.queue.shift();
    if (queued) return queued;
    if (state) {
      const faults = state.behavior.faults ?? [];
      const scripted = state.used < faults.length ? faults[state.used] : undefined;
      state.used += 1;
      if (scripted) return toStepOptions(scripted);
      const random = state.behavior.randomFaults;
      if (random && random.steps.length > 0 && state.random() < random.rate) {
        const step = random.steps[state.randomServed % random.steps.length];
        state.randomServed += 1;
        if (step) return toStepOptions(step);
      }
      return toStepOptions(state.behavior.afterFaults ?? 'ok');
    }
    if (!convention?.step) return { kind: 'ok' };
    if (!convention.perCall) return toStepOptions(convention.step(true));
    const key = callKey(model, messages);
    const first = !this.seenCalls.has(key);
    if (first) this.seenCalls.add(key);
    else this.seenCalls.delete(key);
    return toStepOptions(convention.step(first));
  }
}

/** Identifies a call across its attempts: a retry sends the same model and prompt. */
function callKey(model: string, messages: PromptMessage[]): string {
  return createHash('sha256')
    .update(JSON.stringify([model, messages]))
    .digest('hex');
}
