import { DirectiveLocation, GraphQLDeprecatedDirective, GraphQLDirective, GraphQLSchema } from 'graphql';

/** Where the GraphQL spec (October 2021) lets `@deprecated` stand. */
const DEPRECATED_LOCATIONS = [
  DirectiveLocation.FIELD_DEFINITION,
  DirectiveLocation.ARGUMENT_DEFINITION,
  DirectiveLocation.INPUT_FIELD_DEFINITION,
  DirectiveLocation.ENUM_VALUE,
];

/** `@deprecated` as the spec defines it. */
export const SPEC_DEPRECATED_DIRECTIVE = new GraphQLDirective({
  ...GraphQLDeprecatedDirective.toConfig(),
  locations: DEPRECATED_LOCATIONS,
});

/**
 * The schema with built-in directives as the spec defines them. graphql-js 16.15 adds
 * DIRECTIVE_DEFINITION to `@deprecated`'s locations; introspection then reports a
 * `@deprecated` that other languages' tooling (Python's graphql-core, for one) reads as a
 * redeclared built-in and refuses. Nothing here deprecates a directive, so nothing is lost.
 */
export function withSpecDirectives(schema: GraphQLSchema): GraphQLSchema {
  const config = schema.toConfig();
  return new GraphQLSchema({
    ...config,
    directives: config.directives.map((d) => (d.name === 'deprecated' ? SPEC_DEPRECATED_DIRECTIVE : d)),
  });
}
