/** A browser test as users write it (see the README): what the API accepts and the worker runs. */

import { isHttpUrl, isObject } from '../validation/body-checks';

export const STEP_ACTIONS = [
  'goto',
  'click',
  'dblclick',
  'fill',
  'press',
  'select',
  'check',
  'uncheck',
  'hover',
  'waitFor',
  'expectVisible',
  'expectHidden',
  'expectText',
  'expectUrl',
  'expectTitle',
  'screenshot',
] as const;
export type StepAction = (typeof STEP_ACTIONS)[number];

export const TRACE_MODES = ['off', 'on', 'retain-on-failure'] as const;
export const SCREENSHOT_MODES = ['off', 'on', 'only-on-failure'] as const;
export const WAIT_STATES = ['visible', 'hidden', 'attached', 'detached'] as const;

export interface RunStep {
  action: StepAction;
  selector?: string;
  url?: string;
  value?: string;
  text?: string;
  key?: string;
  name?: string;
  state?: (typeof WAIT_STATES)[number];
  timeoutMs?: number;
}

export interface RunOptions {
  timeoutMs: number;
  stepTimeoutMs: number;
  video: boolean;
  trace: (typeof TRACE_MODES)[number];
  screenshots: (typeof SCREENSHOT_MODES)[number];
}

export interface RunDefinition {
  name: string;
  baseUrl?: string;
  steps: RunStep[];
  options: RunOptions;
  /** 1 (most urgent) to 10. */
  priority: number;
}

export const MAX_STEPS = 100;
export const DEFAULT_PRIORITY = 5;

/** Which fields each action needs, and which it may take besides. */
const REQUIRED: Record<StepAction, Array<keyof RunStep>> = {
  goto: ['url'],
  click: ['selector'],
  dblclick: ['selector'],
  fill: ['selector', 'value'],
  press: ['selector', 'key'],
  select: ['selector', 'value'],
  check: ['selector'],
  uncheck: ['selector'],
  hover: ['selector'],
  waitFor: ['selector'],
  expectVisible: ['selector'],
  expectHidden: ['selector'],
  expectText: ['selector', 'text'],
  expectUrl: ['url'],
  expectTitle: ['text'],
  screenshot: ['name'],
};
const OPTIONAL: Partial<Record<StepAction, Array<keyof RunStep>>> = {
  waitFor: ['state'],
  screenshot: ['selector'],
};
const STRING_LIMITS: Partial<Record<keyof RunStep, number>> = {
  selector: 2000,
  url: 2048,
  value: 10000,
  text: 10000,
  key: 100,
  name: 80,
};
const ARTIFACT_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$/;
const RESERVED_NAMES = /^(trace|video|step-\d+-failure)$/;

export interface DefinitionLimits {
  /** TEST_EXECUTION_TIMEOUT_MS: no run may ask for longer. */
  maxTimeoutMs: number;
}

const isAbsolute = (v: string) => /^[a-z][a-z0-9+.-]*:/i.test(v);

/**
 * Checks a run body field by field. Returns the definition with defaults filled in, or
 * every problem, each naming its field (`steps[2].selector is required for click`).
 */
export function parseRunDefinition(
  body: unknown,
  limits: DefinitionLimits,
): { definition: RunDefinition; errors: [] } | { definition?: undefined; errors: string[] } {
  const errors: string[] = [];
  if (!isObject(body)) return { errors: ['the body must be a JSON object'] };
  for (const key of Object.keys(body)) {
    if (!['name', 'baseUrl', 'steps', 'options', 'priority'].includes(key))
      errors.push(`${key} is not a field of a run`);
  }

  const name = body.name;
  if (typeof name !== 'string' || name.trim() === '') errors.push('name is required (a non-empty string)');
  else if (name.length > 200) errors.push('name must be at most 200 characters');

  const baseUrl = body.baseUrl;
  if (baseUrl !== undefined && baseUrl !== null) {
    if (typeof baseUrl !== 'string' || !isHttpUrl(baseUrl)) errors.push('baseUrl must be an http or https URL');
    else if (baseUrl.length > 2048) errors.push('baseUrl must be at most 2048 characters');
  }
  const hasBase = typeof baseUrl === 'string' && isHttpUrl(baseUrl);

  let priority = DEFAULT_PRIORITY;
  if (body.priority !== undefined && body.priority !== null) {
    if (!Number.isInteger(body.priority) || (body.priority as number) < 1 || (body.priority as number) > 10)
      errors.push('priority must be a whole number from 1 (most urgent) to 10');
    else priority = body.priority as number;
  }

  const options = parseOptions(body.options, limits, errors);

  const steps: RunStep[] = [];
  if (!Array.isArray(body.steps)) errors.push('steps is required (a list of steps)');
  else if (body.steps.length === 0) errors.push('steps must have at least one step');
  else if (body.steps.length > MAX_STEPS)
    errors.push(`steps may have at most ${MAX_STEPS} steps (got ${body.steps.length})`);
  else {
    const screenshotNames = new Set<string>();
    body.steps.forEach((raw, index) => {
      const step = parseStep(raw, `steps[${index}]`, hasBase, errors);
      if (step?.action === 'screenshot' && step.name) {
        if (screenshotNames.has(step.name))
          errors.push(`steps[${index}].name "${step.name}" is already used by another screenshot`);
        screenshotNames.add(step.name);
      }
      if (step) steps.push(step);
    });
  }

  if (errors.length) return { errors };
  return {
    definition: {
      name: (name as string).trim(),
      ...(hasBase ? { baseUrl: baseUrl as string } : {}),
      steps,
      options: options!,
      priority,
    },
    errors: [],
  };
}

function parseOptions(raw: unknown, limits: DefinitionLimits, errors: string[]): RunOptions | undefined {
  const defaults: RunOptions = {
    timeoutMs: Math.min(60000, limits.maxTimeoutMs),
    stepTimeoutMs: 10000,
    video: false,
    trace: 'retain-on-failure',
    screenshots: 'only-on-failure',
  };
  if (raw === undefined || raw === null) return defaults;
  if (!isObject(raw)) {
    errors.push('options must be an object');
    return undefined;
  }
  const out = { ...defaults };
  for (const [key, value] of Object.entries(raw)) {
    switch (key) {
      case 'timeoutMs':
        if (!Number.isInteger(value) || (value as number) < 1000 || (value as number) > limits.maxTimeoutMs)
          errors.push(
            `options.timeoutMs must be a whole number of milliseconds from 1000 to ${limits.maxTimeoutMs} (TEST_EXECUTION_TIMEOUT_MS)`,
          );
        else out.timeoutMs = value as number;
        break;
      case 'stepTimeoutMs':
        if (!Number.isInteger(value) || (value as number) < 100 || (value as number) > 300000)
          errors.push('options.stepTimeoutMs must be a whole number of milliseconds from 100 to 300000');
        else out.stepTimeoutMs = value as number;
        break;
      case 'video':
        if (typeof value !== 'boolean') errors.push('options.video must be true or false');
        else out.video = value;
        break;
      case 'trace':
        if (!TRACE_MODES.includes(value as never))
          errors.push(`options.trace must be one of ${TRACE_MODES.join(', ')}`);
        else out.trace = value as RunOptions['trace'];
        break;
      case 'screenshots':
        if (!SCREENSHOT_MODES.includes(value as never))
          errors.push(`options.screenshots must be one of ${SCREENSHOT_MODES.join(', ')}`);
        else out.screenshots = value as RunOptions['screenshots'];
        break;
      default:
        errors.push(`options.${key} is not an option`);
    }
  }
  return out;
}

function parseStep(raw: unknown, at: string, hasBase: boolean, errors: string[]): RunStep | undefined {
  if (!isObject(raw)) {
    errors.push(`${at} must be an object with an action`);
    return undefined;
  }
  const action = raw.action;
  if (typeof action !== 'string' || !STEP_ACTIONS.includes(action as StepAction)) {
    errors.push(
      `${at}.action must be one of ${STEP_ACTIONS.join(', ')}${typeof action === 'string' ? ` (got "${action}")` : ''}`,
    );
    return undefined;
  }
  const act = action as StepAction;
  const allowed = new Set<string>(['action', 'timeoutMs', ...REQUIRED[act], ...(OPTIONAL[act] ?? [])]);
  const step: RunStep = { action: act };
  const before = errors.length;
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'action' || value === undefined || value === null) continue;
    if (!allowed.has(key)) {
      errors.push(`${at}.${key} is not used by ${act}`);
      continue;
    }
    if (key === 'timeoutMs') {
      if (!Number.isInteger(value) || (value as number) < 100 || (value as number) > 300000)
        errors.push(`${at}.timeoutMs must be a whole number of milliseconds from 100 to 300000`);
      else step.timeoutMs = value as number;
      continue;
    }
    if (typeof value !== 'string') {
      errors.push(`${at}.${key} must be a string`);
      continue;
    }
    const limit = STRING_LIMITS[key as keyof RunStep];
    if (limit && value.length > limit) errors.push(`${at}.${key} must be at most ${limit} characters`);
    (step as unknown as Record<string, unknown>)[key] = value;
  }
  for (const key of REQUIRED[act]) {
    const value = step[key];
    // fill and select may set an empty value; every other field needs content.
    const empty = value === undefined || (value === '' && key !== 'value');
    if (empty && !errors.slice(before).some((e) => e.startsWith(`${at}.${key} `)))
      errors.push(`${at}.${key} is required for ${act}`);
  }
  if (step.url !== undefined) {
    if (isAbsolute(step.url)) {
      if (!isHttpUrl(step.url)) errors.push(`${at}.url must be an http or https URL`);
    } else if (!hasBase) errors.push(`${at}.url is relative, so the run needs a baseUrl`);
  }
  if (step.state !== undefined && !WAIT_STATES.includes(step.state))
    errors.push(`${at}.state must be one of ${WAIT_STATES.join(', ')}`);
  if (act === 'screenshot' && step.name !== undefined && step.name !== '') {
    if (!ARTIFACT_NAME.test(step.name))
      errors.push(`${at}.name must be letters, digits, _ . - (at most 80, starting with a letter or digit)`);
    else if (RESERVED_NAMES.test(step.name)) errors.push(`${at}.name "${step.name}" is reserved`);
  }
  return step;
}

/** The absolute URL a step's url means. */
export function resolveStepUrl(url: string, baseUrl?: string): string {
  return new URL(url, baseUrl).href;
}
