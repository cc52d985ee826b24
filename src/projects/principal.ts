import type { Scope } from './scopes';

/** Who a request acts as: a project and what its key may do there. Set by the API-key guard. */
export interface Principal {
  projectId: string;
  /** The key's id; null for a bootstrap key from API_KEYS (it has no row). */
  keyId: string | null;
  /** How the audit log names the actor: the key's name and prefix, or `bootstrap key`. */
  actor: string;
  scopes: readonly Scope[];
  /** A key from API_KEYS: an admin of the default project that may also create projects and manage their keys. */
  bootstrap: boolean;
}

/** Where the guard leaves the principal on a request (Fastify's raw request object). */
export const PRINCIPAL = Symbol('stevedore.principal');

export type WithPrincipal = { [PRINCIPAL]?: Principal };
