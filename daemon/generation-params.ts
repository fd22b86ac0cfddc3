/**
 * Checks the fields of a `generation/start` request that need nothing but the request itself; the
 * template, the prompts and the model's name are checked by the service, which can look them up.
 * Every refusal is `invalid_params` naming the field and the value given.
 */
import { COMPONENTS, type Component, type Job } from '../shared/job';
import type { GenerationStartParams } from '../shared/protocol';
import { DaemonError } from './daemon-error';

export function invalid(message: string): DaemonError {
  return new DaemonError('invalid_params', message);
}

/** A required text field: non-blank, as given. */
export function requiredText(raw: unknown, name: string): string {
  if (typeof raw !== 'string' || raw.trim() === '') throw invalid(`${name} is required`);
  return raw;
}

/** The fields after the template, in the order they are checked: the first wrong one is named. */
export function checkJobFields(
  p: Partial<GenerationStartParams>,
): Pick<GenerationStartParams, 'model' | 'appNum' | 'priority' | 'components' | 'options'> {
  const model = requiredText(p.model, 'model');
  if (p.appNum !== undefined && (!Number.isInteger(p.appNum) || p.appNum < 1)) {
    throw invalid(`appNum must be a positive integer, got ${JSON.stringify(p.appNum)}`);
  }
  if (p.priority !== undefined && (typeof p.priority !== 'number' || !Number.isFinite(p.priority))) {
    throw invalid(`priority must be a number, got ${JSON.stringify(p.priority)}`);
  }
  const components = validateComponents(p.components);
  const options = validateOptions(p.options);
  return {
    model,
    ...(p.appNum !== undefined ? { appNum: p.appNum } : {}),
    ...(p.priority !== undefined ? { priority: p.priority } : {}),
    ...(components ? { components } : {}),
    ...(options ? { options } : {}),
  };
}

function validateComponents(raw: unknown): Component[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw) || raw.length === 0 || raw.some((c) => !COMPONENTS.includes(c))) {
    throw invalid(
      `components must be a non-empty list of "backend" and "frontend", got ${JSON.stringify(raw)}`,
    );
  }
  return COMPONENTS.filter((c) => raw.includes(c));
}

function validateOptions(raw: unknown): Job['options'] | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw invalid('options must be an object');
  const { temperature, maxTokens } = raw as Record<string, unknown>;
  if (temperature !== undefined && (typeof temperature !== 'number' || temperature < 0 || temperature > 2)) {
    throw invalid(`options.temperature must be a number from 0 to 2, got ${JSON.stringify(temperature)}`);
  }
  if (maxTokens !== undefined && (!Number.isInteger(maxTokens) || (maxTokens as number) < 1)) {
    throw invalid(`options.maxTokens must be a positive integer, got ${JSON.stringify(maxTokens)}`);
  }
  return {
    ...(temperature !== undefined ? { temperature: temperature as number } : {}),
    ...(maxTokens !== undefined ? { maxTokens: maxTokens as number } : {}),
  };
}
