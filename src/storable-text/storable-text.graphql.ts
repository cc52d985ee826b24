import { BadRequestException } from '@nestjs/common';
import { DocumentNode, Kind, ValueNode, visit } from 'graphql';
import { textProblem, unstorableText } from './storable-text';

/** Every string literal in a value node (`input: { steps: [{ selector: "…" }] }`), with its path. */
function literalProblems(node: ValueNode, path: string, problems: string[]): void {
  if (node.kind === Kind.STRING) {
    const problem = textProblem(node.value);
    if (problem) problems.push(`${path} ${problem}`);
  } else if (node.kind === Kind.LIST) {
    node.values.forEach((value, i) => literalProblems(value, `${path}[${i}]`, problems));
  } else if (node.kind === Kind.OBJECT) {
    for (const field of node.fields) literalProblems(field.value, `${path}.${field.name.value}`, problems);
  }
}

/**
 * Text PostgreSQL cannot store, in a GraphQL document's literals (arguments of fields and
 * directives, variables' defaults: `createRun(input).steps[0].selector`) and in its
 * variables (`$input.steps[0].selector`). GraphQL's lexer refuses a raw NUL or lone
 * surrogate in the source, but an escape (`"\u0000"`) and JSON variables carry them.
 */
export function graphqlTextProblems(document: DocumentNode, variables: Record<string, unknown> | undefined): string[] {
  const problems: string[] = [];
  visit(document, {
    Argument(node, _key, _parent, _path, ancestors) {
      const owner = [...ancestors]
        .reverse()
        .find((a) => !Array.isArray(a) && 'kind' in a && (a.kind === Kind.FIELD || a.kind === Kind.DIRECTIVE)) as
        { kind: Kind; name: { value: string } } | undefined;
      const prefix = owner ? `${owner.kind === Kind.DIRECTIVE ? '@' : ''}${owner.name.value}` : '';
      literalProblems(node.value, `${prefix}(${node.name.value})`, problems);
    },
    VariableDefinition(node) {
      if (node.defaultValue) literalProblems(node.defaultValue, `$${node.variable.name.value} (default)`, problems);
    },
  });
  for (const [name, value] of Object.entries(variables ?? {})) problems.push(...unstorableText(value, `$${name}`));
  return problems.slice(0, 10);
}

/**
 * Mercurius' preExecution hook: after the document is validated and the variables coerced,
 * before any resolver runs. Thrown as a 400, which the error formatter answers with the
 * message and `extensions.status` 400.
 */
export function refuseUnstorableGraphqlText(
  _schema: unknown,
  document: DocumentNode,
  _context: unknown,
  variables?: Record<string, unknown>,
): void {
  const problems = graphqlTextProblems(document, variables);
  if (problems.length) throw new BadRequestException(problems);
}

/** The same for a subscription over the websocket (its hook gets no variables: the connection's own checks cover the ids). */
export function refuseUnstorableSubscriptionText(_schema: unknown, document: DocumentNode): void {
  refuseUnstorableGraphqlText(_schema, document, undefined);
}
