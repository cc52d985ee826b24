import { GraphQLScalarType, valueFromASTUntyped } from 'graphql';

/** Any JSON value (a test's step tree, its errors): output only, as stored. */
export const JSONScalar = new GraphQLScalarType({
  name: 'JSON',
  description: 'A JSON value',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (ast, variables) => valueFromASTUntyped(ast, variables),
});
