import { Field, ID, ObjectType } from '@nestjs/graphql';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { Timestamped } from '../database/timestamped';
import { ProjectColumn, ProjectListIndex } from '../projects/project-column';

/** A user; the email is unique whatever its case (index on lower(email)). */
@ObjectType('User', { description: 'A user of the platform' })
@Entity('users')
// An expression index (lower(email)), kept by its migration: `synchronize: false` keeps migration:generate off it.
@Index('users_email_lower_uq', { synchronize: false })
@ProjectListIndex('users')
export class User extends Timestamped {
  /** The project it belongs to. */
  @ProjectColumn()
  projectId: string;

  @Field(() => ID, { description: "The user's id" })
  @PrimaryColumn('uuid')
  id: string;

  @Field({ description: 'Their email address (unique)' })
  @Column({ type: 'varchar', length: 320 })
  email: string;

  @Field({ description: 'Their name' })
  @Column({ type: 'varchar', length: 200 })
  name: string;
}
