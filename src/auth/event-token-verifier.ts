import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.service';
import { KeyDirectory } from '../projects/key-directory';
import { hashApiKey } from '../projects/key-material';
import type { Principal } from '../projects/principal';
import { BOOTSTRAP_SIGNER, checkEventToken, eventTokenClaims, type EventTokenKind } from './event-token';

export type VerifiedEventToken = { ok: true; principal: Principal } | { ok: false; reason: string };

/** Checks an SSE event token against the key that signed it, as that key is now. */
@Injectable()
export class EventTokenVerifier {
  constructor(
    private readonly keys: KeyDirectory,
    private readonly config: AppConfig,
  ) {}

  async check(token: string, kind: EventTokenKind, id: string): Promise<VerifiedEventToken> {
    const claims = eventTokenClaims(token);
    if (!claims) return { ok: false, reason: 'The token is not an event token' };
    const hashes =
      claims.signer === BOOTSTRAP_SIGNER
        ? this.config.env.API_KEYS.map(hashApiKey)
        : await this.keys.activeKey(claims.signer).then((key) => (key ? [key.hash] : []));
    const check = checkEventToken(token, hashes, kind, id);
    if (!check.ok) return check;
    return {
      ok: true,
      // A token opens one stream of the project it was minted in, and nothing else.
      principal: {
        projectId: check.claims.project,
        keyId: claims.signer === BOOTSTRAP_SIGNER ? null : claims.signer,
        actor: 'event token',
        scopes: ['read'],
        bootstrap: false,
      },
    };
  }
}
