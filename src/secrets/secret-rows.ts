import type { EntityManager } from 'typeorm';
import type { SealedSecret } from './secret-cipher';
import { Secret } from './secret.entity';

/** Which of `names` `projectId` has no row for (each once, in the order given); other projects' do not count. */
export async function missingSecrets(
  manager: EntityManager,
  names: readonly string[],
  projectId: string,
): Promise<string[]> {
  const wanted = [...new Set(names)];
  if (!wanted.length) return [];
  const rows: Array<{ name: string }> = await manager.query(
    `SELECT name FROM secrets WHERE project_id = $1 AND name = ANY($2)`,
    [projectId, wanted],
  );
  const found = new Set(rows.map((row) => row.name));
  return wanted.filter((name) => !found.has(name));
}

/** The sealed values of `names` that exist in `projectId`, by name. */
export async function sealedSecrets(
  manager: EntityManager,
  names: readonly string[],
  projectId: string,
): Promise<Map<string, SealedSecret>> {
  if (!names.length) return new Map();
  const rows = await manager
    .getRepository(Secret)
    .createQueryBuilder('s')
    .where('s.project_id = :projectId', { projectId })
    .andWhere('s.name = ANY(:names)', { names: [...new Set(names)] })
    .getMany();
  return new Map(
    rows.map((row) => [row.name, { ciphertext: row.ciphertext, iv: row.iv, tag: row.authTag, keyId: row.keyId }]),
  );
}
