import { Type } from '@nestjs/common';
import { Field, ObjectType } from '@nestjs/graphql';

/**
 * The GraphQL type of one page of a list (`items` and `nextCursor`), as REST's
 * `{ items, nextCursor }` is: one definition for every paged query.
 */
export function pageModel<T>(item: Type<T>, name: string, description: string, itemsDescription: string) {
  @ObjectType(name, { description })
  class PageModel {
    @Field(() => [item], { description: itemsDescription }) items: T[];
    @Field(() => String, { nullable: true, description: 'Pass as cursor for the next page; none on the last page' })
    nextCursor: string | null;
  }
  return PageModel;
}
