import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.service';
import { type SecretCipher, SecretUnreadableError } from './secret-cipher';
import { missingSecrets, sealedSecrets } from './secret-rows';
import { cipherFromEnv, NO_SECRETS_KEY } from './secrets-key';

/** Secrets could not be revealed: the message names which and why (never a value). */
export class SecretsUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretsUnavailableError';
  }
}

/**
 * The one place values are decrypted, for the worker that injects them into a test's
 * environment. Its callers pass the values to a Redactor before anything is stored.
 */
@Injectable()
export class SecretsVault {
  private readonly cipher: SecretCipher | undefined;

  constructor(
    private readonly dataSource: DataSource,
    config: AppConfig,
  ) {
    this.cipher = cipherFromEnv(config.env);
  }

  /**
   * The values of `names` stored in `projectId` (the run's project), by name: another
   * project's secret of the same name is never revealed. Throws SecretsUnavailableError naming the secret when
   * one was deleted since the run was accepted, or cannot be decrypted (SECRETS_KEY
   * changed, the row was altered), or when this process has no SECRETS_KEY.
   */
  async reveal(names: string[], projectId: string): Promise<Record<string, string>> {
    if (!names.length) return {};
    if (!this.cipher) throw new SecretsUnavailableError(NO_SECRETS_KEY);
    const sealed = await sealedSecrets(this.dataSource.manager, names, projectId);
    const values: Record<string, string> = {};
    for (const name of names) {
      const stored = sealed.get(name);
      if (!stored)
        throw new SecretsUnavailableError(`Secret ${name} does not exist (deleted since the run was accepted?)`);
      try {
        values[name] = this.cipher.open(name, stored);
      } catch (error) {
        if (error instanceof SecretUnreadableError) throw new SecretsUnavailableError(error.message);
        throw error;
      }
    }
    return values;
  }

  /** Which of `names` `projectId` has not stored (each once, in the order given), for a worker that queues runs. */
  missing(names: string[], projectId: string): Promise<string[]> {
    return missingSecrets(this.dataSource.manager, names, projectId);
  }
}
