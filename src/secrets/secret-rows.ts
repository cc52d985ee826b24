import type { EntityManager } from 'typeorm';
import type { SealedSecret } from './secret-cipher';
import { Secret } from './secret.entity';

/** Which of `names` have no row (each once, in the order given). */
export async function missingSecrets(manager: EntityManager, names: readonly string[]): Promise<string[]> {
  const wanted = [...new Set(names)];
  if (!wanted.length) return [];
  const rows: Array<{ name: string }> = await manager.query(`SELECT name FROM secrets WHERE name = ANY($1)`, [wanted]);
  const found = new Set(rows.map((row) => row.name));
  return wanted.filter((name) => !found.has(name));
}

/** The sealed values of `names` that exist, by name. */
export async function sealedSecrets(
  manager: EntityManager,
  names: readonly string[],
): Promise<Map<string, SealedSecret>> {
  if (!names.length) return new Map();
  const rows = await manager
    .getRepository(Secret)
    .createQueryBuilder('s')
    .where('s.name = ANY(:names)', { names: [...new Set(names)] })
    .getMany();
  return new Map(
    rows.map((row) => [row.name, { ciphertext: row.ciphertext, iv: row.iv, tag: row.authTag, keyId: row.keyId }]),
  );
}
