import {
  DocumentNode,
  FragmentDefinitionNode,
  getNamedType,
  getNullableType,
  GraphQLError,
  GraphQLNamedType,
  GraphQLSchema,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  SelectionSetNode,
  ValidationRule,
} from 'graphql';
import { GRAPHQL_LIMITS, UNBOUNDED_LIST_ESTIMATE } from './graphql-limits';

/** A `limit` given by a variable is counted at the largest page any list field allows. */
const VARIABLE_LIMIT_ESTIMATE = 200;
/** Without `limit`, the lists' default page size. */
const DEFAULT_LIMIT = 20;

/**
 * The estimated number of fields one operation resolves: each field counts once per
 * object it is resolved on. A field with a `limit` argument multiplies what is below it
 * by that limit (its page's list then adds nothing more); any other list multiplies by
 * UNBOUNDED_LIST_ESTIMATE. Introspection is not counted: the schema bounds it.
 */
export function queryCost(schema: GraphQLSchema, document: DocumentNode): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }

  const costOf = (
    set: SelectionSetNode,
    parent: GraphQLNamedType | undefined | null,
    times: number,
    limited: boolean,
    spreading: Set<string>,
  ): number => {
    let cost = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        cost += costOf(selection.selectionSet, type, times, limited, spreading);
        continue;
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        if (!fragment || spreading.has(fragment.name.value)) continue; // validation refuses both
        const type = schema.getType(fragment.typeCondition.name.value);
        cost += costOf(fragment.selectionSet, type, times, limited, new Set(spreading).add(fragment.name.value));
        continue;
      }
      if (selection.name.value.startsWith('__')) continue;
      const field =
        parent && (isObjectType(parent) || isInterfaceType(parent))
          ? parent.getFields()[selection.name.value]
          : undefined;
      if (!field) continue; // an unknown field: validation names it
      cost += times;
      if (!selection.selectionSet) continue;
      const limitArg = selection.arguments?.find((a) => a.name.value === 'limit');
      const hasLimit = field.args.some((a) => a.name === 'limit');
      let factor = 1;
      let childLimited = false;
      if (hasLimit) {
        factor =
          limitArg?.value.kind === Kind.INT
            ? Math.max(1, Number(limitArg.value.value))
            : limitArg
              ? VARIABLE_LIMIT_ESTIMATE
              : DEFAULT_LIMIT;
        childLimited = true;
      } else if (isListType(getNullableType(field.type)) && !limited) {
        factor = UNBOUNDED_LIST_ESTIMATE;
      }
      cost += costOf(selection.selectionSet, getNamedType(field.type), times * factor, childLimited, spreading);
    }
    return cost;
  };

  let highest = 0;
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    const root = schema.getRootType(definition.operation);
    highest = Math.max(highest, costOf(definition.selectionSet, root, 1, false, new Set()));
  }
  return highest;
}

/** graphql-js validation rule: refuses an operation whose estimated cost is over the limit. */
export function costLimitRule(maxCost: number = GRAPHQL_LIMITS.maxCost): ValidationRule {
  return (context) => ({
    Document: {
      leave(document) {
        const cost = queryCost(context.getSchema(), document);
        if (cost > maxCost)
          context.reportError(
            new GraphQLError(`The query costs about ${cost} (fields times list sizes); the cost limit is ${maxCost}`),
          );
      },
    },
  });
}
