import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, Repository } from 'typeorm';
import { CursorPage, newestFirstPage } from '../http/cursor';
import { v5 as uuidv5 } from 'uuid';
import { isUniqueViolation } from '../database/postgres-errors';
import { EmailOutbox, type TemplatedEmail } from '../emails/email-outbox';
import type { CreateUserRequest } from './user-request.schema';
import { User } from './user.entity';

/** Namespace for the id of a user's welcome email, derived from the user's: there is only ever one. */
const WELCOME_NAMESPACE = '4f5c2a7e-3b0d-4a59-9c36-0d1f6f0b8e21';

/** The welcome email of a new user: its id (and job id) derives from the user's. */
const welcomeEmail = (user: User): TemplatedEmail => ({
  id: uuidv5(`welcome:${user.id}`, WELCOME_NAMESPACE),
  projectId: user.projectId,
  to: [user.email],
  template: 'welcome',
  variables: { name: user.name, email: user.email },
  userId: user.id,
});

@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly dataSource: DataSource,
    private readonly emails: EmailOutbox,
  ) {}

  /**
   * Stores the user and its welcome email together in the caller's project, then queues the
   * email. An email address is unique within a project: another project's user with the same
   * address is another user, and does not make this one a conflict.
   */
  async create(input: CreateUserRequest, projectId: string): Promise<User> {
    const user = this.users.create({ id: randomUUID(), projectId, email: input.email, name: input.name });
    const welcome = welcomeEmail(user);
    try {
      await this.dataSource.transaction(async (tx) => {
        await tx.insert(User, user);
        await this.emails.store(tx, welcome);
      });
    } catch (error) {
      if (isUniqueViolation(error, 'users_email_lower_uq'))
        throw new ConflictException(`A user with email ${input.email} already exists`);
      throw error;
    }
    await this.emails.enqueueOrWithdraw(welcome.id, projectId, (tx) => tx.delete(User, { id: user.id }));
    return this.get(user.id, projectId);
  }

  /** The project's users, newest first; the cursor is the last item's createdAt|id. */
  list(projectId: string, query: { limit?: number; cursor?: string }): Promise<CursorPage<User>> {
    const qb = this.users.createQueryBuilder('u').where('u.project_id = :projectId', { projectId });
    return newestFirstPage(qb, 'created_at', (user) => user.createdAt, query);
  }

  /** A user of `projectId`; another project's is not found, exactly as an unknown id. */
  async get(id: string, projectId: string): Promise<User> {
    const user = await this.users.findOneBy({ id, projectId });
    if (!user) throw new NotFoundException(`User ${id} not found`);
    return user;
  }
}
