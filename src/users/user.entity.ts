import { Field, ID, ObjectType } from '@nestjs/graphql';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { Timestamped } from '../database/timestamped';

/** A user; the email is unique whatever its case (index on lower(email)). */
@ObjectType('User')
@Entity('users')
// An expression index (lower(email)), kept by its migration: `synchronize: false` keeps migration:generate off it.
@Index('users_email_lower_uq', { synchronize: false })
export class User extends Timestamped {
  @Field(() => ID)
  @PrimaryColumn('uuid')
  id: string;

  @Field()
  @Column({ type: 'varchar', length: 320 })
  email: string;

  @Field()
  @Column({ type: 'varchar', length: 200 })
  name: string;
}
