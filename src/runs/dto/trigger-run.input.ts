import { Field, InputType, Int } from '@nestjs/graphql';
import { JSONObjectScalar } from '../../graphql/json-object.scalar';

/**
 * GraphQL's shape of the run body. runDefinitionSchema (run-definition.ts) checks it, as
 * it checks the REST body: GraphQL needs classes for its input types.
 * graphql/request-shapes.spec.ts keeps the fields the same.
 */
@InputType('RunStepInput', { description: 'One step of a run' })
export class RunStepInput {
  @Field({
    description:
      'goto, click, dblclick, fill, press, select, check, uncheck, hover, waitFor, expectVisible, expectHidden, expectText, expectUrl, expectTitle or screenshot',
  })
  action: string;

  @Field({ nullable: true, description: 'The element it acts on (a Playwright selector)' })
  selector?: string;
  @Field({ nullable: true, description: 'goto: where to go (relative to baseUrl)' })
  url?: string;
  @Field({ nullable: true, description: 'fill: what to type' }) value?: string;
  @Field({ nullable: true, description: 'expectText: the text to find' }) text?: string;
  @Field({ nullable: true, description: 'press: the key' })
  key?: string;
  @Field({ nullable: true, description: 'screenshot: the file is <name>.png' })
  name?: string;
  @Field({ nullable: true, description: 'waitFor: attached, detached, visible or hidden' })
  state?: string;
  @Field(() => Int, { nullable: true, description: "This step's timeout in milliseconds" })
  timeoutMs?: number;
}

@InputType('RunOptionsInput', { description: 'How a run runs and what it keeps' })
export class RunOptionsInput {
  @Field(() => Int, { nullable: true, description: "The whole run's timeout in milliseconds" })
  timeoutMs?: number;
  @Field(() => Int, { nullable: true, description: "Each step's timeout in milliseconds" })
  stepTimeoutMs?: number;
  @Field({ nullable: true, description: 'Record a video' })
  video?: boolean;
  @Field({ nullable: true, description: 'Keep a Playwright trace: off, on or retain-on-failure' })
  trace?: string;
  @Field({ nullable: true, description: 'Screenshots after steps: off, on or only-on-failure' })
  screenshots?: string;
}

@InputType('ScriptInput', { description: 'Playwright Test files and how they run (a script run)' })
export class ScriptInput {
  @Field(() => JSONObjectScalar, {
    description: 'Path → text: TypeScript or JavaScript Playwright Test files, at least one *.spec.* or *.test.*',
  })
  files: Record<string, string>;
  @Field({ nullable: true, description: 'Only tests whose title matches (a JavaScript RegExp)' })
  grep?: string;
  @Field({ nullable: true, description: 'Not the tests whose title matches (a JavaScript RegExp)' })
  grepInvert?: string;
  @Field(() => Int, { nullable: true, description: 'Retries of a failed test, 0 to 5 (default 0)' })
  retries?: number;
  @Field(() => Int, { nullable: true, description: "Each test's timeout in milliseconds (default 30000)" })
  timeout?: number;
  @Field(() => JSONObjectScalar, {
    nullable: true,
    description: "Options a Playwright config's `use` would set: viewport, locale, timezoneId, extraHTTPHeaders ...",
  })
  use?: Record<string, unknown>;
}

@InputType('TriggerRunInput', { description: 'A run to queue, as the body of POST /api/runs: steps or a script' })
export class TriggerRunInput {
  @Field({ description: 'Its name' }) name: string;
  @Field({ nullable: true, description: "What relative goto URLs are resolved against (a script's baseURL)" })
  baseUrl?: string;
  @Field(() => [RunStepInput], { nullable: true, description: 'Its steps, run in order (or give a script instead)' })
  steps?: RunStepInput[];
  @Field(() => ScriptInput, { nullable: true, description: 'Playwright Test files to run instead of steps' })
  script?: ScriptInput;
  @Field(() => JSONObjectScalar, {
    nullable: true,
    description: "Script runs: plain variables for the tests' process.env",
  })
  env?: Record<string, string>;
  @Field(() => [String], {
    nullable: true,
    description: "Script runs: names of stored secrets (POST /api/secrets) for the tests' process.env",
  })
  secrets?: string[];
  @Field(() => RunOptionsInput, { nullable: true, description: 'How it runs and what it keeps' })
  options?: RunOptionsInput;
  @Field(() => Int, { nullable: true, description: '1 (most urgent) to 10' })
  priority?: number;
}
