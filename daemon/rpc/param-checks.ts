/**
 * Small declarative checks of JSON-RPC params: each field of a request is given a check that says
 * what is wrong with a value, naming the field (`appNum must be an integer from 1 to 100000, got
 * 1.5`). Pure: knows nothing of the connection or the daemon's services.
 */

/** What is wrong with `value`, a field called `name`; undefined when nothing is. */
export type Check = (value: unknown, name: string) => string | undefined;

/** One field of a params object. */
export interface FieldRule {
  check: Check;
  required?: boolean;
}

/** The fields of one request's params; fields not listed are let through untouched. */
export type ParamsRule = Readonly<Record<string, FieldRule>>;

export type ParamsResult = { ok: true; params: Record<string, unknown> } | { ok: false; problem: string };

/**
 * Checks `raw` against `rule`. Params must be one object; absent params are `{}`. An optional field
 * given as null is taken as absent (JSON has no undefined) and left out of the params returned.
 * Every problem is listed, in the rule's field order.
 */
export function checkParams(rule: ParamsRule, raw: unknown, prefix = ''): ParamsResult {
  if (raw === undefined || raw === null) raw = {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    return { ok: false, problem: `${prefix ? prefix : 'params'} must be an object, got ${kindOf(raw)}` };
  }
  // Every later walk of a value (a message, a record) recurses once per level.
  if (!prefix && nestsDeeperThan(raw, MAX_PARAMS_DEPTH)) {
    return { ok: false, problem: `params must not nest deeper than ${MAX_PARAMS_DEPTH} levels` };
  }
  const params: Record<string, unknown> = { ...(raw as Record<string, unknown>) };
  const problems: string[] = [];
  for (const [field, { check, required }] of Object.entries(rule)) {
    const name = `${prefix ? `${prefix}.` : ''}${field}`;
    const value = params[field];
    if (value === undefined || value === null) {
      if (required) problems.push(`${name} is required`);
      delete params[field];
      continue;
    }
    const problem = check(value, name);
    if (problem !== undefined) problems.push(problem);
  }
  return problems.length > 0 ? { ok: false, problem: problems.join('; ') } : { ok: true, params };
}

/** Deeper than any request needs. */
export const MAX_PARAMS_DEPTH = 64;

/** Whether objects and lists in `value` nest deeper than `limit`; walks without recursion. */
function nestsDeeperThan(value: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const [item, depth] = next;
    if (typeof item !== 'object' || item === null) continue;
    if (depth > limit) return true;
    for (const child of Object.values(item)) stack.push([child, depth + 1]);
  }
  return false;
}

export function required(check: Check): FieldRule {
  return { check, required: true };
}

export function optional(check: Check): FieldRule {
  return { check };
}

/** A string, not blank unless `allowBlank`, at most `maxLength` characters. `secret`: never echoed. */
export function text(options: { maxLength: number; allowBlank?: boolean; secret?: boolean }): Check {
  return (value, name) => {
    if (typeof value !== 'string') {
      return `${name} must be a string${options.secret ? '' : `, got ${shown(value)}`}`;
    }
    if (!options.allowBlank && value.trim() === '') return `${name} must not be empty`;
    if (value.length > options.maxLength) {
      return `${name} must be at most ${options.maxLength} characters, got ${value.length}`;
    }
    return undefined;
  };
}

export function integer(min: number, max: number): Check {
  return (value, name) =>
    typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max
      ? undefined
      : `${name} must be an integer from ${min} to ${max}, got ${shown(value)}`;
}

export function number(min: number, max: number): Check {
  return (value, name) =>
    typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max
      ? undefined
      : `${name} must be a number from ${min} to ${max}, got ${shown(value)}`;
}

export const boolean: Check = (value, name) =>
  typeof value === 'boolean' ? undefined : `${name} must be true or false, got ${shown(value)}`;

export function oneOf(values: readonly string[]): Check {
  return (value, name) =>
    typeof value === 'string' && values.includes(value)
      ? undefined
      : `${name} must be one of ${values.map((v) => `"${v}"`).join(', ')}, got ${shown(value)}`;
}

/** A list of `minItems` to `maxItems` values, each passing `item`. */
export function listOf(item: Check, options: { minItems: number; maxItems: number }): Check {
  return (value, name) => {
    if (!Array.isArray(value)) return `${name} must be a list, got ${shown(value)}`;
    if (value.length < options.minItems || value.length > options.maxItems) {
      return `${name} must list from ${options.minItems} to ${options.maxItems} items, got ${value.length}`;
    }
    for (const [i, element] of value.entries()) {
      const problem = item(element, `${name}[${i}]`);
      if (problem !== undefined) return problem;
    }
    return undefined;
  };
}

/** An object whose listed fields pass `rule`; `more` may check the whole object afterwards. */
export function object(
  rule: ParamsRule,
  more?: (value: Record<string, unknown>) => string | undefined,
): Check {
  return (value, name) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return `${name} must be an object, got ${kindOf(value)}`;
    }
    const result = checkParams(rule, value, name);
    if (!result.ok) return result.problem;
    return more?.(value as Record<string, unknown>);
  };
}

/** A check that also runs `extra` once the value passed `base`, which makes it a `T`. */
export function and<T>(base: Check, extra: (value: T, name: string) => string | undefined): Check {
  return (value, name) => base(value, name) ?? extra(value as T, name);
}

/** JSON's name for the kind of a value. */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'number') return 'a number';
  if (typeof value === 'boolean') return 'a boolean';
  return typeof value;
}

/** A value as a message shows it: JSON, cut short when long. */
function shown(value: unknown): string {
  let json: string;
  try {
    json = JSON.stringify(value) ?? String(value);
  } catch {
    json = kindOf(value);
  }
  return json.length > 80 ? `${json.slice(0, 80)}...` : json;
}
