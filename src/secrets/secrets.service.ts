import { ConflictException, Injectable, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.service';
import { AuditLog } from '../projects/audit-log';
import type { Principal } from '../projects/principal';
import type { SecretCipher } from './secret-cipher';
import type { PutSecretRequest } from './secret-request';
import type { SecretSummary } from './secret-responses';
import { missingSecrets } from './secret-rows';
import { Secret } from './secret.entity';
import { cipherFromEnv, NO_SECRETS_KEY } from './secrets-key';

/** The most secrets one project keeps: a run names a few; thousands would be a leak waiting to happen. */
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

/**
 * API side: store, list and delete a project's secrets (values go in, never out), and check
 * names for runs. Names are unique within a project; another project's are never seen.
 */
@Injectable()
export class SecretsService {
  private readonly cipher: SecretCipher | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditLog,
    config: AppConfig,
  ) {
    this.cipher = cipherFromEnv(config.env);
  }

  /**
   * Stores the value encrypted under `name` in the actor's project, replacing one stored
   * before; `created` tells which. The audit event (never the value) goes in the same transaction.
   */
  async put(input: PutSecretRequest, actor: Principal): Promise<{ secret: SecretSummary; created: boolean }> {
    if (!this.cipher) throw new ServiceUnavailableException(NO_SECRETS_KEY);
    const { projectId } = actor;
    const sealed = this.cipher.seal(input.name, input.value);
    return this.dataSource.transaction(async (tx) => {
      // One writer at a time per project, so two creates cannot both pass the count at 999.
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('stevedore.secrets:' || $1))`, [projectId]);
      const existed = (await missingSecrets(tx, [input.name], projectId)).length === 0;
      if (!existed) {
        const [{ count }] = (await tx.query(`SELECT count(*)::int AS count FROM secrets WHERE project_id = $1`, [
          projectId,
        ])) as Array<{ count: number }>;
        if (count >= MAX_SECRETS)
          throw new ConflictException(
            `This project already has ${MAX_SECRETS} secrets, the most Stevedore keeps: delete one before adding ${input.name}`,
          );
      }
      const [row] = (await tx.query(
        `INSERT INTO secrets (project_id, name, ciphertext, iv, auth_tag, key_id) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (project_id, name) DO UPDATE SET ciphertext = EXCLUDED.ciphertext, iv = EXCLUDED.iv,
           auth_tag = EXCLUDED.auth_tag, key_id = EXCLUDED.key_id, updated_at = now()
         RETURNING name, created_at, updated_at`,
        [projectId, input.name, sealed.ciphertext, sealed.iv, sealed.tag, sealed.keyId],
      )) as SummaryRow[];
      await this.audit.record(actor, existed ? 'secret.replaced' : 'secret.stored', input.name, {}, tx);
      return { secret: summary(row), created: !existed };
    });
  }

  /** The project's secrets' names and dates, by name in byte order (the same on every database collation). */
  async list(projectId: string): Promise<SecretSummary[]> {
    const rows = (await this.dataSource.query(
      `SELECT name, created_at, updated_at FROM secrets WHERE project_id = $1 ORDER BY name COLLATE "C"`,
      [projectId],
    )) as SummaryRow[];
    return rows.map(summary);
  }

  /** Deletes the actor's project's secret `name` (404 if it has none of that name), with its audit event. */
  async remove(name: string, actor: Principal): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      const { affected } = await tx.getRepository(Secret).delete({ projectId: actor.projectId, name });
      if (!affected) throw new NotFoundException(`Secret ${name} not found`);
      await this.audit.record(actor, 'secret.deleted', name, {}, tx);
    });
  }

  /**
   * Which of `names` `projectId` has not stored (each once, in the order given): a run
   * naming one is a 400 before it is queued, even if another project holds that name.
   */
  missing(names: string[], projectId: string): Promise<string[]> {
    return missingSecrets(this.dataSource.manager, names, projectId);
  }
}
