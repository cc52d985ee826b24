import { isIP } from 'node:net';
import type { Agent } from 'undici';
import type { AddressPolicy } from './address-policy';
import { undici } from './lazy-undici';

/** A connection the egress guard refused (private address, no DNS answer). */
export class EgressRefusedError extends Error {}

/**
 * An undici Agent whose every connection goes to an address the egress policy checked at
 * connect time: the host is resolved once, by the policy, and the socket opened to exactly
 * that address, so DNS cannot change the answer between the check and the connect (and
 * every redirect hop, being a new connection, is a new check). A refusal fails the
 * request with EgressRefusedError (as the error or its cause).
 */
export function guardedAgent(
  policy: AddressPolicy,
  options: { connectTimeoutMs: number; keepAliveTimeoutMs?: number },
): Agent {
  const { Agent, buildConnector } = undici();
  const connect = buildConnector({ timeout: options.connectTimeoutMs });
  return new Agent({
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 4_000,
    connect: (connectOptions, callback) => {
      policy.resolve(connectOptions.hostname).then(
        (verdict) => {
          if (!verdict.allowed) return callback(new EgressRefusedError(verdict.reason), null);
          // Connect to exactly the checked address; TLS still verifies the host name.
          const servername =
            connectOptions.servername ??
            (isIP(connectOptions.hostname.replace(/^\[|\]$/g, '')) ? undefined : connectOptions.hostname);
          connect({ ...connectOptions, hostname: verdict.address, servername }, callback);
        },
        (error: Error) => callback(error, null),
      );
    },
  });
}
