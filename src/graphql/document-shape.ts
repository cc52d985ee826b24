import { DocumentNode, FragmentDefinitionNode, Kind, SelectionSetNode } from 'graphql';
import { GRAPHQL_LIMITS } from './graphql-limits';

/** How big a document is once its fragments are spread where they are used. */
export interface DocumentShape {
  aliases: number;
  fields: number;
  /** Deepest selection below an operation, not counting introspection (`__schema`, `__type`), whose depth the schema bounds. */
  depth: number;
}

/**
 * Measures a parsed document without the schema, so it can run before graphql-js'
 * validation (whose overlapping-fields rule is quadratic in repeated fields). Fragments
 * are expanded where spread, so a fragment spread twice counts twice; counting stops
 * as soon as the field limit is passed, so fragments that multiply cannot make this slow,
 * and a fragment cycle counts as over the limit.
 */
export function measureDocument(document: DocumentNode, limits = GRAPHQL_LIMITS): DocumentShape {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const shape: DocumentShape = { aliases: 0, fields: 0, depth: 0 };
  const over = () => shape.fields > limits.maxFields || shape.aliases > limits.maxAliases;

  const walk = (set: SelectionSetNode, depth: number, introspection: boolean, spreading: Set<string>): void => {
    for (const selection of set.selections) {
      if (over()) return;
      if (selection.kind === Kind.FIELD) {
        shape.fields += 1;
        if (selection.alias) shape.aliases += 1;
        const isIntrospection = introspection || selection.name.value.startsWith('__');
        if (!isIntrospection) shape.depth = Math.max(shape.depth, depth + 1);
        if (selection.selectionSet) walk(selection.selectionSet, depth + 1, isIntrospection, spreading);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(selection.selectionSet, depth, introspection, spreading);
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (!fragment) continue; // graphql-js' validation names it
        if (spreading.has(name)) {
          shape.fields = Infinity; // a cycle: graphql-js refuses it too, but it must not loop here
          return;
        }
        walk(fragment.selectionSet, depth, introspection, new Set(spreading).add(name));
      }
    }
  };

  for (const definition of document.definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION) walk(definition.selectionSet, 0, false, new Set());
  }
  return shape;
}

/** The first limit the document passes, as a message naming it; undefined if it is within all. */
export function documentLimitError(document: DocumentNode, limits = GRAPHQL_LIMITS): string | undefined {
  const shape = measureDocument(document, limits);
  if (shape.aliases > limits.maxAliases)
    return `The query has more than ${limits.maxAliases} aliases (the alias limit)`;
  if (shape.fields > limits.maxFields)
    return `The query selects more than ${limits.maxFields} fields, fragments counted where spread (the field limit)`;
  if (shape.depth > limits.maxDepth)
    return `The query is ${shape.depth} levels deep; the depth limit is ${limits.maxDepth}`;
  return undefined;
}
