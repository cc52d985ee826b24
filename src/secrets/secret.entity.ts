import { Column, Entity, PrimaryColumn } from 'typeorm';
import { Timestamped } from '../database/timestamped';
import { DEFAULT_PROJECT_ID } from '../projects/default-project';

/**
 * A secret: its value only ever encrypted (secret-cipher.ts), with the IV, the GCM tag
 * and the fingerprint of the key that sealed it. Never sent to a client.
 */
@Entity('secrets')
export class Secret extends Timestamped {
  /** The project it belongs to: names are unique within a project. */
  @PrimaryColumn({ name: 'project_id', type: 'uuid', default: DEFAULT_PROJECT_ID })
  projectId: string;

  /** The environment variable a test reads it from (secret-name.ts). */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  name: string;

  @Column({ type: 'bytea' })
  ciphertext: Buffer;

  @Column({ type: 'bytea' })
  iv: Buffer;

  @Column({ name: 'auth_tag', type: 'bytea' })
  authTag: Buffer;

  @Column({ name: 'key_id', type: 'varchar', length: 16 })
  keyId: string;
}
