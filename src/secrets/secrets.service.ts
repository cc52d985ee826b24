import { ConflictException, Injectable, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.service';
import type { SecretCipher } from './secret-cipher';
import type { PutSecretRequest } from './secret-request';
import type { SecretSummary } from './secret-responses';
import { missingSecrets } from './secret-rows';
import { Secret } from './secret.entity';
import { cipherFromEnv, NO_SECRETS_KEY } from './secrets-key';

/** The most secrets one installation keeps: a run names a few; thousands would be a leak waiting to happen. */
export const MAX_SECRETS = 1000;

interface SummaryRow {
  name: string;
  created_at: Date;
  updated_at: Date;
}
const summary = (row: SummaryRow): SecretSummary => ({
  name: row.name,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/** API side: store, list and delete secrets (values go in, never out), and check names for runs. */
@Injectable()
export class SecretsService {
  private readonly cipher: SecretCipher | undefined;

  constructor(
    private readonly dataSource: DataSource,
    config: AppConfig,
  ) {
    this.cipher = cipherFromEnv(config.env);
  }

  /** Stores the value encrypted under `name`, replacing one stored before; `created` tells which. */
  async put(input: PutSecretRequest): Promise<{ secret: SecretSummary; created: boolean }> {
    if (!this.cipher) throw new ServiceUnavailableException(NO_SECRETS_KEY);
    const sealed = this.cipher.seal(input.name, input.value);
    return this.dataSource.transaction(async (tx) => {
      // One writer at a time, so two creates cannot both pass the count at 999.
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('stevedore.secrets'))`);
      const existed = (await missingSecrets(tx, [input.name])).length === 0;
      if (!existed) {
        const [{ count }] = (await tx.query(`SELECT count(*)::int AS count FROM secrets`)) as Array<{ count: number }>;
        if (count >= MAX_SECRETS)
          throw new ConflictException(
            `There are already ${MAX_SECRETS} secrets, the most Stevedore keeps: delete one before adding ${input.name}`,
          );
      }
      const [row] = (await tx.query(
        `INSERT INTO secrets (name, ciphertext, iv, auth_tag, key_id) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (project_id, name) DO UPDATE SET ciphertext = EXCLUDED.ciphertext, iv = EXCLUDED.iv,
           auth_tag = EXCLUDED.auth_tag, key_id = EXCLUDED.key_id, updated_at = now()
         RETURNING name, created_at, updated_at`,
        [input.name, sealed.ciphertext, sealed.iv, sealed.tag, sealed.keyId],
      )) as SummaryRow[];
      return { secret: summary(row), created: !existed };
    });
  }

  /** Every secret's name and dates, by name in byte order (the same on every database collation). */
  async list(): Promise<SecretSummary[]> {
    const rows = (await this.dataSource.query(
      `SELECT name, created_at, updated_at FROM secrets ORDER BY name COLLATE "C"`,
    )) as SummaryRow[];
    return rows.map(summary);
  }

  async remove(name: string): Promise<void> {
    const { affected } = await this.dataSource.getRepository(Secret).delete({ name });
    if (!affected) throw new NotFoundException(`Secret ${name} not found`);
  }

  /** Which of `names` are not stored (each once, in the order given): a run naming one is a 400 before it is queued. */
  missing(names: string[]): Promise<string[]> {
    return missingSecrets(this.dataSource.manager, names);
  }
}
