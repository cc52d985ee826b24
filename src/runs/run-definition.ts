/** A browser test as users write it (see the README): what the API accepts and the worker runs. */

import { z } from 'zod';
import type { Env } from '../config/env.schema';
import { isObject } from '../validation/body-checks';
import { checkRequest } from '../validation/parse-request';
import {
  closedObject,
  gotText,
  httpUrl,
  isHttpUrl,
  oneOf,
  optional,
  priorityField,
  requiredName,
  schemaForLimits,
  wholeNumber,
} from '../validation/request-fields';
import { envSchema, type ScriptDefinition, scriptSchema, secretsSchema } from './script-definition';

export type { ScriptDefinition, ScriptUse } from './script-definition';

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

/** A run of steps: the 16 verbs, run by the step executor. */
export interface StepRunDefinition {
  name: string;
  baseUrl?: string;
  steps: RunStep[];
  script?: undefined;
  /** For a step run, every option applies. */
  options: RunOptions;
  /** 1 (most urgent) to 10. */
  priority: number;
}

/**
 * A run of Playwright Test code. Its options: timeoutMs bounds the whole run, trace, video
 * and screenshots apply to each test; stepTimeoutMs is not used (script.timeout is each
 * test's, use.actionTimeout each action's).
 */
export interface ScriptRunDefinition {
  name: string;
  baseUrl?: string;
  script: ScriptDefinition;
  steps?: undefined;
  /** Plain variables for the tests' process.env. */
  env: Record<string, string>;
  /** Names of stored secrets for the tests' process.env. */
  secrets: string[];
  options: RunOptions;
  priority: number;
}

export type RunDefinition = StepRunDefinition | ScriptRunDefinition;

export const isScriptRun = (d: RunDefinition): d is ScriptRunDefinition => d.script !== undefined;

export const MAX_STEPS = 100;

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
const ARTIFACT_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$/;
const RESERVED_NAMES = /^(trace|video|step-\d+-failure)$/;

export interface DefinitionLimits {
  /** TEST_EXECUTION_TIMEOUT_MS: no run may ask for longer. */
  maxTimeoutMs: number;
}

/** The limits a run is checked against, from the configuration. */
export const definitionLimits = (env: Pick<Env, 'TEST_EXECUTION_TIMEOUT_MS'>): DefinitionLimits => ({
  maxTimeoutMs: env.TEST_EXECUTION_TIMEOUT_MS,
});

const isAbsolute = (v: string) => /^[a-z][a-z0-9+.-]*:/i.test(v);
const isAction = (value: unknown): value is StepAction => STEP_ACTIONS.includes(value as StepAction);

/** What is said of a field the step's action does not take. */
const unusedBy = (action: unknown) => (isAction(action) ? `is not used by ${action}` : 'is not a field of a step');

const stepText = (max: number) =>
  optional(z.string({ error: 'must be a string' }).max(max, { error: `must be at most ${max} characters` }));
const stepTimeout = wholeNumber(100, 300000, 'must be a whole number of milliseconds from 100 to 300000');

/**
 * One step: every field any action takes, each checked for its type and length; which
 * fields the action needs or may take is checked on the whole step. A field left null is
 * left out (GraphQL's RunStepInput has them all).
 */
const runStepSchema = z
  .object(
    {
      action: oneOf(STEP_ACTIONS, (given) => `must be one of ${STEP_ACTIONS.join(', ')}${gotText(given)}`).meta({
        example: 'click',
      }),
      selector: stepText(2000).meta({ description: 'The element it acts on (a Playwright selector)' }),
      url: stepText(2048).meta({ description: 'goto: where to go (relative to baseUrl)', example: '/login' }),
      value: stepText(10000).meta({ description: 'fill: what to type' }),
      text: stepText(10000).meta({ description: 'expectText: the text to find' }),
      key: stepText(100).meta({ description: 'press: the key', example: 'Enter' }),
      name: stepText(80).meta({ description: 'screenshot: the file is <name>.png', example: 'signed-in' }),
      state: optional(oneOf(WAIT_STATES, `must be one of ${WAIT_STATES.join(', ')}`)).meta({
        description: 'waitFor: attached, detached, visible or hidden',
      }),
      timeoutMs: optional(stepTimeout).meta({ description: "This step's timeout in milliseconds" }),
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? unusedBy((issue.input as Record<string, unknown>).action)
          : 'must be an object with an action',
    },
  )
  .strict()
  .superRefine(checkStepFields, { when: (payload) => isObject(payload.value) && isAction(payload.value.action) })
  // Fields left out stay out of the stored definition.
  .transform((step): RunStep => dropUndefined(step))
  .meta({ description: 'One step of a run: the fields its action uses' });

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}

/** What the action needs and takes: a field it does not use, one it needs, its URL and screenshot name. */
function checkStepFields(step: Record<string, unknown>, ctx: z.RefinementCtx): void {
  const action = step.action as StepAction;
  const allowed = new Set<string>(['action', 'timeoutMs', ...REQUIRED[action], ...(OPTIONAL[action] ?? [])]);
  const problem = (field: string, message: string) => ctx.addIssue({ code: 'custom', path: [field], message });
  for (const [field, value] of Object.entries(step))
    if (value !== undefined && !allowed.has(field)) problem(field, unusedBy(action));
  // fill and select may set an empty value; every other field needs content.
  for (const field of REQUIRED[action])
    if (step[field] === undefined || (step[field] === '' && field !== 'value'))
      problem(field, `is required for ${action}`);
  const { url, name } = step;
  if (typeof url === 'string' && isAbsolute(url) && !isHttpUrl(url)) problem('url', 'must be an http or https URL');
  if (action === 'screenshot' && typeof name === 'string' && name !== '') {
    if (!ARTIFACT_NAME.test(name))
      problem('name', 'must be letters, digits, _ . - (at most 80, starting with a letter or digit)');
    else if (RESERVED_NAMES.test(name)) problem('name', `"${name}" is reserved`);
  }
}

/** The run's options, each defaulted; an unknown one is refused. */
const runOptionsSchema = ({ maxTimeoutMs }: DefinitionLimits) =>
  closedObject(
    {
      timeoutMs: wholeNumber(
        1000,
        maxTimeoutMs,
        `must be a whole number of milliseconds from 1000 to ${maxTimeoutMs} (TEST_EXECUTION_TIMEOUT_MS)`,
      )
        .optional()
        .meta({ description: "The whole run's timeout in milliseconds", example: 60000 }),
      stepTimeoutMs: stepTimeout
        .optional()
        .meta({ description: "Each step's timeout in milliseconds", example: 10000 }),
      video: z.boolean({ error: 'must be true or false' }).optional().meta({ description: 'Record a video' }),
      trace: oneOf(TRACE_MODES, `must be one of ${TRACE_MODES.join(', ')}`)
        .optional()
        .meta({ description: 'Keep a Playwright trace', example: 'retain-on-failure' }),
      screenshots: oneOf(SCREENSHOT_MODES, `must be one of ${SCREENSHOT_MODES.join(', ')}`)
        .optional()
        .meta({ description: 'Screenshots after steps', example: 'only-on-failure' }),
    },
    'is not an option',
    'must be an object',
  );

/**
 * A run body: every field checked, unknown ones refused, defaults filled in. A run is
 * steps or a script, never both; env and secrets are a script's. Checks that span fields
 * come last: a relative URL needs the run's baseUrl, screenshot names are unique.
 */
export const runDefinitionSchema = schemaForLimits((limits: DefinitionLimits) =>
  closedObject(
    {
      name: requiredName(200, 'is required (a non-empty string)').meta({ example: 'sign-in works' }),
      baseUrl: optional(httpUrl(2048)).meta({
        description: "What relative goto URLs are resolved against (a script's baseURL)",
        example: 'http://127.0.0.1:4000',
      }),
      priority: priorityField().meta({ description: '1 (most urgent) to 10' }),
      options: optional(runOptionsSchema(limits)).meta({
        description: 'How it runs and what it keeps (a script run ignores stepTimeoutMs)',
      }),
      steps: optional(
        z
          .array(runStepSchema, { error: 'must be a list of steps' })
          .min(1, { error: 'must have at least one step' })
          .max(MAX_STEPS, {
            error: (issue) => `may have at most ${MAX_STEPS} steps (got ${(issue.input as unknown[]).length})`,
          }),
      ).meta({ description: 'Its steps, run in order (or give a script instead)' }),
      script: optional(scriptSchema(limits.maxTimeoutMs)).meta({
        description: 'Playwright Test files to run instead of steps',
      }),
      env: optional(envSchema).meta({
        description: "Script runs: plain variables for the tests' process.env (at most 100, each at most 8 KB)",
        example: { SHOP_USER: 'ada@example.com' },
      }),
      secrets: optional(secretsSchema).meta({
        description: "Script runs: names of stored secrets (POST /api/secrets) for the tests' process.env",
        example: ['SHOP_PASSWORD'],
      }),
    },
    'is not a field of a run',
    'the body must be a JSON object',
  )
    // Said even when other fields are wrong: which kind of run this is frames every other problem.
    .superRefine(checkRunKind, { when: (payload) => isObject(payload.value) })
    .superRefine(checkAcrossSteps)
    .transform(({ name, baseUrl, steps, script, env, secrets, options, priority }): RunDefinition => {
      const common = {
        name,
        ...(baseUrl ? { baseUrl } : {}),
        options: {
          timeoutMs: Math.min(60000, limits.maxTimeoutMs),
          stepTimeoutMs: 10000,
          video: false,
          trace: 'retain-on-failure' as const,
          screenshots: 'only-on-failure' as const,
          ...options,
        },
        priority,
      };
      return script ? { ...common, script, env: env ?? {}, secrets: secrets ?? [] } : { ...common, steps: steps! };
    })
    .meta({ description: 'A browser test run: its steps or its Playwright Test script, and how it runs' }),
);

const given = (value: unknown) => value !== undefined && value !== null;

/** Steps or a script, exactly one; env and secrets only with a script. */
function checkRunKind(run: Record<string, unknown>, ctx: z.RefinementCtx): void {
  const problem = (message: string, path: Array<string | number> = []) =>
    ctx.addIssue({ code: 'custom', path, message });
  const [steps, script] = [given(run.steps), given(run.script)];
  if (steps && script) problem('steps and script cannot both be given: a run is either steps or a script');
  if (!steps && !script) problem('steps or script is required: a list of steps, or a script (Playwright Test files)');
  if (steps && !script)
    for (const field of ['env', 'secrets'])
      if (given(run[field])) problem('is for script runs only (a step run has no process environment)', [field]);
  if (!script || !isObject(run.env) || !Array.isArray(run.secrets)) return;
  run.secrets.forEach((name, i) => {
    if (typeof name === 'string' && Object.hasOwn(run.env as object, name))
      problem(`"${name}" is also in env: a variable is either plain (env) or secret`, ['secrets', i]);
  });
}

/** A relative goto needs the run's baseUrl; two screenshots cannot share a file name. */
function checkAcrossSteps({ baseUrl, steps }: { baseUrl?: string; steps?: RunStep[] }, ctx: z.RefinementCtx): void {
  const names = new Set<string>();
  steps?.forEach((step, index) => {
    if (step.url !== undefined && !isAbsolute(step.url) && !baseUrl)
      ctx.addIssue({
        code: 'custom',
        path: ['steps', index, 'url'],
        message: 'is relative, so the run needs a baseUrl',
      });
    if (step.action !== 'screenshot' || !step.name) return;
    if (names.has(step.name))
      ctx.addIssue({
        code: 'custom',
        path: ['steps', index, 'name'],
        message: `"${step.name}" is already used by another screenshot`,
      });
    names.add(step.name);
  });
}

/**
 * Checks a run body field by field. Returns the definition with defaults filled in, or
 * every problem, each naming its field (`steps[2].selector is required for click`).
 */
export function parseRunDefinition(
  body: unknown,
  limits: DefinitionLimits,
): { definition: RunDefinition; errors: [] } | { definition?: undefined; errors: string[] } {
  const { data, errors } = checkRequest(runDefinitionSchema(limits), body);
  return data ? { definition: data, errors: [] } : { errors };
}

/** The absolute URL a step's url means. */
export function resolveStepUrl(url: string, baseUrl?: string): string {
  return new URL(url, baseUrl).href;
}
