import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EmailOutboxModule } from '../emails/email-outbox.module';
import { User } from './user.entity';
import { UsersController } from './users.controller';
import { UsersResolver } from './users.resolver';
import { UsersService } from './users.service';

/** API side only: users have no processor (their welcome email goes through emails). */
@Module({
  imports: [TypeOrmModule.forFeature([User]), EmailOutboxModule],
  controllers: [UsersController],
  providers: [UsersService, UsersResolver],
})
export class UsersModule {}
