import { Field, InputType, Int } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow } from 'class-validator';

/**
 * The run body. Every field is checked by parseRunDefinition (one set of messages for
 * REST and GraphQL); the decorators here only describe it and let the fields through.
 */
@InputType('RunStepInput', { description: 'One step of a run' })
export class RunStepInput {
  @ApiProperty({
    example: 'click',
    description:
      'goto, click, dblclick, fill, press, select, check, uncheck, hover, waitFor, expectVisible, expectHidden, expectText, expectUrl, expectTitle, screenshot',
  })
  @Field({
    description:
      'goto, click, dblclick, fill, press, select, check, uncheck, hover, waitFor, expectVisible, expectHidden, expectText, expectUrl, expectTitle or screenshot',
  })
  @Allow()
  action: string;

  @ApiPropertyOptional({ example: "role=button[name='Sign in']" })
  @Field({ nullable: true, description: 'The element it acts on (a Playwright selector)' })
  @Allow()
  selector?: string;
  @ApiPropertyOptional({ example: '/login' })
  @Field({ nullable: true, description: 'goto: where to go (relative to baseUrl)' })
  @Allow()
  url?: string;
  @ApiPropertyOptional() @Field({ nullable: true, description: 'fill: what to type' }) @Allow() value?: string;
  @ApiPropertyOptional() @Field({ nullable: true, description: 'expectText: the text to find' }) @Allow() text?: string;
  @ApiPropertyOptional({ example: 'Enter' })
  @Field({ nullable: true, description: 'press: the key' })
  @Allow()
  key?: string;
  @ApiPropertyOptional({ example: 'signed-in', description: 'screenshot: the file is <name>.png' })
  @Field({ nullable: true, description: 'screenshot: the file is <name>.png' })
  @Allow()
  name?: string;
  @ApiPropertyOptional({ example: 'visible' })
  @Field({ nullable: true, description: 'waitFor: attached, detached, visible or hidden' })
  @Allow()
  state?: string;
  @ApiPropertyOptional()
  @Field(() => Int, { nullable: true, description: "This step's timeout in milliseconds" })
  @Allow()
  timeoutMs?: number;
}

@InputType('RunOptionsInput', { description: 'How a run runs and what it keeps' })
export class RunOptionsInput {
  @ApiPropertyOptional({ example: 60000 })
  @Field(() => Int, { nullable: true, description: "The whole run's timeout in milliseconds" })
  @Allow()
  timeoutMs?: number;
  @ApiPropertyOptional({ example: 10000 })
  @Field(() => Int, { nullable: true, description: "Each step's timeout in milliseconds" })
  @Allow()
  stepTimeoutMs?: number;
  @ApiPropertyOptional({ example: false })
  @Field({ nullable: true, description: 'Record a video' })
  @Allow()
  video?: boolean;
  @ApiPropertyOptional({ example: 'retain-on-failure' })
  @Field({ nullable: true, description: 'Keep a Playwright trace: off, on or retain-on-failure' })
  @Allow()
  trace?: string;
  @ApiPropertyOptional({ example: 'only-on-failure' })
  @Field({ nullable: true, description: 'Screenshots after steps: off, on or only-on-failure' })
  @Allow()
  screenshots?: string;
}

@InputType('TriggerRunInput', { description: 'A run to queue, as the body of POST /api/runs' })
export class TriggerRunInput {
  @ApiProperty({ example: 'sign-in works' }) @Field({ description: 'Its name' }) @Allow() name: string;
  @ApiPropertyOptional({ example: 'http://127.0.0.1:4000' })
  @Field({ nullable: true, description: 'What relative goto URLs are resolved against' })
  @Allow()
  baseUrl?: string;
  @ApiProperty({ type: [RunStepInput] })
  @Field(() => [RunStepInput], { description: 'Its steps, run in order' })
  @Allow()
  steps: RunStepInput[];
  @ApiPropertyOptional({ type: RunOptionsInput })
  @Field(() => RunOptionsInput, { nullable: true, description: 'How it runs and what it keeps' })
  @Allow()
  options?: RunOptionsInput;
  @ApiPropertyOptional({ example: 5, description: '1 (most urgent) to 10' })
  @Field(() => Int, { nullable: true, description: '1 (most urgent) to 10' })
  @Allow()
  priority?: number;
}
