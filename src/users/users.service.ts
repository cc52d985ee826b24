import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, Repository } from 'typeorm';
import { isUniqueViolation } from '../database/postgres-errors';
import { Email } from '../emails/email.entity';
import { EmailsService } from '../emails/emails.service';
import type { CreateUserRequest } from './user-request.schema';
import { User } from './user.entity';

@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly dataSource: DataSource,
    private readonly emails: EmailsService,
  ) {}

  /** Stores the user and its welcome email together, then queues the email. */
  async create(input: CreateUserRequest): Promise<User> {
    const user = this.users.create({ id: randomUUID(), email: input.email, name: input.name });
    const welcome = this.emails.welcomeFor(user);
    try {
      await this.dataSource.transaction(async (tx) => {
        await tx.insert(User, user);
        await tx.insert(Email, welcome);
      });
    } catch (error) {
      if (isUniqueViolation(error, 'users_email_lower_uq'))
        throw new ConflictException(`A user with email ${input.email} already exists`);
      throw error;
    }
    await this.emails.enqueueOrWithdraw(welcome, () =>
      this.dataSource.transaction(async (tx) => {
        await tx.delete(Email, { id: welcome.id });
        await tx.delete(User, { id: user.id });
      }),
    );
    return this.get(user.id);
  }

  async get(id: string): Promise<User> {
    const user = await this.users.findOneBy({ id });
    if (!user) throw new NotFoundException(`User ${id} not found`);
    return user;
  }
}
