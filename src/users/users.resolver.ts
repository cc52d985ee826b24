import { ProjectId } from '../auth/principal.decorator';
import { ParseUUIDPipe } from '@nestjs/common';
import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { ZodValidationPipe } from '../validation/zod-validation.pipe';
import { CreateUserInput } from './dto/create-user.input';
import { type CreateUserRequest, createUserRequestSchema } from './user-request.schema';
import { User } from './user.entity';
import { UsersService } from './users.service';

@Resolver(() => User)
export class UsersResolver {
  constructor(private readonly users: UsersService) {}

  @Mutation(() => User, { description: 'Create a user; its welcome email is queued' })
  createUser(
    @Args(
      'input',
      { type: () => CreateUserInput, description: 'The user, as the body of POST /api/users' },
      new ZodValidationPipe(createUserRequestSchema),
    )
    input: CreateUserRequest,
    @ProjectId() projectId: string,
  ): Promise<User> {
    return this.users.create(input, projectId);
  }

  @Query(() => User, { description: 'A user by id' })
  user(
    @Args('id', { type: () => ID, description: "The user's id" }, new ParseUUIDPipe()) id: string,
    @ProjectId() projectId: string,
  ): Promise<User> {
    return this.users.get(id, projectId);
  }
}
