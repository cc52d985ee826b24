import { ProjectId } from '../auth/principal.decorator';
import { ParseUUIDPipe } from '@nestjs/common';
import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { pageModel } from '../graphql/page-model';
import { ZodValidationPipe } from '../validation/zod-validation.pipe';
import { CreateUserInput } from './dto/create-user.input';
import { type CreateUserRequest, createUserRequestSchema } from './user-request.schema';
import { User } from './user.entity';
import { UsersService } from './users.service';

const UserPageModel = pageModel(
  User,
  'UserPage',
  "One page of the project's users, newest first",
  'The users on this page',
);

@Resolver(() => User)
export class UsersResolver {
  constructor(private readonly service: UsersService) {}

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
    return this.service.create(input, projectId);
  }

  @Query(() => UserPageModel, { description: "The project's users, newest first" })
  users(
    @ProjectId() projectId: string,
    @Args('limit', { type: () => Int, nullable: true, description: 'Page size, 1 to 100 (default 20)' })
    limit?: number,
    @Args('cursor', { type: () => String, nullable: true, description: 'nextCursor of the previous page' })
    cursor?: string,
  ) {
    return this.service.list(projectId, { limit: limit ?? undefined, cursor: cursor ?? undefined });
  }

  @Query(() => User, { description: 'A user by id' })
  user(
    @Args('id', { type: () => ID, description: "The user's id" }, new ParseUUIDPipe()) id: string,
    @ProjectId() projectId: string,
  ): Promise<User> {
    return this.service.get(id, projectId);
  }
}
