import { createParamDecorator, type ExecutionContext, InternalServerErrorException } from '@nestjs/common';
import { PRINCIPAL, type Principal, type WithPrincipal } from '../projects/principal';

/** The request object a guard and a handler share: Fastify's for REST, the GraphQL context's `req` otherwise. */
export function requestOf(context: ExecutionContext): WithPrincipal | undefined {
  if (context.getType() === 'http') return context.switchToHttp().getRequest<WithPrincipal>();
  if (context.getType() === 'ws') return context.switchToWs().getClient<{ data?: WithPrincipal }>().data;
  return context.getArgs<Array<{ req?: WithPrincipal }>>()[2]?.req;
}

/** Who the request acts as; only on routes the API-key guard let in (never on @Public ones). */
export function principalOf(context: ExecutionContext): Principal {
  const principal = requestOf(context)?.[PRINCIPAL];
  // A handler that asks for a principal on a route without one is a bug, not a client mistake.
  if (!principal) throw new InternalServerErrorException('No principal on this request');
  return principal;
}

/** The principal (project, key, scopes) of the request: `@CurrentPrincipal() actor: Principal`. */
export const CurrentPrincipal = createParamDecorator((_: unknown, context: ExecutionContext) => principalOf(context));

/** The id of the project the request acts in: `@ProjectId() projectId: string`. */
export const ProjectId = createParamDecorator(
  (_: unknown, context: ExecutionContext) => principalOf(context).projectId,
);
