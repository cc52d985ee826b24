import { socketApiKey } from '../auth/api-key';
import type { KeyDirectory } from '../projects/key-directory';

/** The part of Mercurius' SubscriptionConnection that onConnect is called on (`this`). */
interface MercuriusConnection {
  socket?: { close(code: number, reason: string): void };
  subscriptionContexts?: Map<unknown, unknown>;
}

/** graphql-ws: "Forbidden" closes the socket with this code (the protocol's close code for a refused connection_init). */
export const GRAPHQL_WS_FORBIDDEN = 4403;

/**
 * Mercurius' subscription onConnect. The key comes in connection_init's payload
 * ({ "x-api-key": ... }, { authorization: "Bearer ..." } or { token }); Mercurius copies
 * that payload into the request's headers, where the API-key guard looks.
 * A refused connection is closed with 4403 as the graphql-ws protocol says (Mercurius
 * would send connection_error and close without a code, which graphql-ws clients read
 * as a protocol error). Mercurius calls onConnect on its connection, so `this` is it;
 * the context it returns lets the subscription hook count the connection's live subscriptions.
 */
export function graphqlWsOnConnect(keys: KeyDirectory) {
  return async function onConnect(
    this: MercuriusConnection | undefined,
    { payload }: { payload?: Record<string, unknown> },
  ) {
    const given = payload && typeof payload === 'object' ? payload : {};
    // Some clients nest them: { headers: { authorization } }, which Mercurius also reads.
    const fields =
      given.headers && typeof given.headers === 'object' ? (given.headers as Record<string, unknown>) : given;
    const key = socketApiKey({ auth: fields, headers: fields as Record<string, string> });
    if (key === undefined || !(await keys.resolve(key))) {
      this?.socket?.close(GRAPHQL_WS_FORBIDDEN, 'Forbidden');
      return false;
    }
    const live = this?.subscriptionContexts;
    return { liveSubscriptions: () => live?.size ?? 0 };
  };
}
