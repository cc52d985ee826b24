import { Field, InputType, Int } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow } from 'class-validator';

/**
 * The run body. Every field is checked by parseRunDefinition (one set of messages for
 * REST and GraphQL); the decorators here only describe it and let the fields through.
 */
@InputType('RunStepInput')
export class RunStepInput {
  @ApiProperty({ example: 'click', description: 'goto, click, dblclick, fill, press, select, check, uncheck, hover, waitFor, expectVisible, expectHidden, expectText, expectUrl, expectTitle, screenshot' })
  @Field()
  @Allow()
  action: string;

  @ApiPropertyOptional({ example: "role=button[name='Sign in']" }) @Field({ nullable: true }) @Allow() selector?: string;
  @ApiPropertyOptional({ example: '/login' }) @Field({ nullable: true }) @Allow() url?: string;
  @ApiPropertyOptional() @Field({ nullable: true }) @Allow() value?: string;
  @ApiPropertyOptional() @Field({ nullable: true }) @Allow() text?: string;
  @ApiPropertyOptional({ example: 'Enter' }) @Field({ nullable: true }) @Allow() key?: string;
  @ApiPropertyOptional({ example: 'signed-in', description: 'screenshot: the file is <name>.png' }) @Field({ nullable: true }) @Allow() name?: string;
  @ApiPropertyOptional({ example: 'visible' }) @Field({ nullable: true }) @Allow() state?: string;
  @ApiPropertyOptional() @Field(() => Int, { nullable: true }) @Allow() timeoutMs?: number;
}

@InputType('RunOptionsInput')
export class RunOptionsInput {
  @ApiPropertyOptional({ example: 60000 }) @Field(() => Int, { nullable: true }) @Allow() timeoutMs?: number;
  @ApiPropertyOptional({ example: 10000 }) @Field(() => Int, { nullable: true }) @Allow() stepTimeoutMs?: number;
  @ApiPropertyOptional({ example: false }) @Field({ nullable: true }) @Allow() video?: boolean;
  @ApiPropertyOptional({ example: 'retain-on-failure' }) @Field({ nullable: true }) @Allow() trace?: string;
  @ApiPropertyOptional({ example: 'only-on-failure' }) @Field({ nullable: true }) @Allow() screenshots?: string;
}

@InputType('TriggerRunInput')
export class TriggerRunInput {
  @ApiProperty({ example: 'sign-in works' }) @Field() @Allow() name: string;
  @ApiPropertyOptional({ example: 'http://127.0.0.1:4000' }) @Field({ nullable: true }) @Allow() baseUrl?: string;
  @ApiProperty({ type: [RunStepInput] }) @Field(() => [RunStepInput]) @Allow() steps: RunStepInput[];
  @ApiPropertyOptional({ type: RunOptionsInput }) @Field(() => RunOptionsInput, { nullable: true }) @Allow() options?: RunOptionsInput;
  @ApiPropertyOptional({ example: 5, description: '1 (most urgent) to 10' }) @Field(() => Int, { nullable: true }) @Allow() priority?: number;
}
