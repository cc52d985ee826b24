import { Field, ObjectType } from '@nestjs/graphql';
import { CreateDateColumn, UpdateDateColumn } from 'typeorm';

/** created_at / updated_at, kept by TypeORM and shown in GraphQL, for every table that has them. */
@ObjectType({ isAbstract: true })
export abstract class Timestamped {
  @Field({ description: 'When it was created' })
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Field({ description: 'When it last changed' })
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
