import { Field, InputType } from '@nestjs/graphql';

/**
 * GraphQL's shape of createUserRequestSchema (user-request.schema.ts), which checks it:
 * GraphQL needs a class for its input type. graphql/request-shapes.spec.ts keeps the fields the same.
 */
@InputType('CreateUserInput', { description: 'A user to create, as the body of POST /api/users' })
export class CreateUserInput {
  @Field({ description: 'Their email address; a taken one is a conflict' })
  email: string;

  @Field({ description: 'Their name' })
  name: string;
}
