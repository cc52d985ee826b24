import { ParseUUIDPipe } from '@nestjs/common';
import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CreateUserInput } from './dto/create-user.input';
import { User } from './user.entity';
import { UsersService } from './users.service';

@Resolver(() => User)
export class UsersResolver {
  constructor(private readonly users: UsersService) {}

  @Mutation(() => User, { description: 'Create a user; its welcome email is queued' })
  createUser(@Args('input') input: CreateUserInput): Promise<User> {
    return this.users.create(input);
  }

  @Query(() => User)
  user(@Args('id', { type: () => ID }, new ParseUUIDPipe()) id: string): Promise<User> {
    return this.users.get(id);
  }
}
