import { Field, InputType } from '@nestjs/graphql';

/**
 * GraphQL's shape of createAlertChannelRequestSchema (alert-channel-request.ts), which checks
 * it: GraphQL needs a class for its input type. graphql/request-shapes.spec.ts keeps the fields the same.
 */
@InputType('CreateAlertChannelInput', { description: 'An alert channel, as the body of POST /api/alert-channels' })
export class CreateAlertChannelInput {
  @Field(() => String, { description: 'Unique in the project (any case)' })
  name: string;

  @Field(() => String, { description: 'email, webhook, slack or pagerduty' })
  type: string;

  @Field(() => [String], { nullable: true, description: 'email: the recipients (1 to 20 addresses)' })
  to?: string[];

  @Field(() => String, {
    nullable: true,
    description: 'webhook, slack: where to POST; pagerduty: the Events API v2 URL (optional)',
  })
  url?: string;

  @Field(() => String, { nullable: true, description: 'pagerduty: the integration (routing) key' })
  routingKey?: string;
}
