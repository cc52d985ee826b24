import type { WithPrincipal } from '../../projects/principal';
import type { Session } from './session-store';

/** Where the guard leaves the dashboard session of a request signed in with the cookie. */
export const SESSION = Symbol('stevedore.session');

export type WithSession = WithPrincipal & { [SESSION]?: Session };
