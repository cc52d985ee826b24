import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { type CursorPage, newestFirstPage } from '../http/cursor';
import { isUniqueViolation } from '../database/postgres-errors';
import { ApiKey } from './api-key.entity';
import { AuditEvent } from './audit-event.entity';
import { AuditLog } from './audit-log';
import { hashApiKey, keyDisplayPrefix, newApiKey } from './key-material';
import { KeyDirectory } from './key-directory';
import type { Principal } from './principal';
import { Project } from './project.entity';
import type { AuditQuery, CreateKeyRequest, CreateProjectRequest } from './project-request';
import { ProjectSettings } from './project-settings';

type ProjectChanges = Partial<Pick<Project, 'name' | 'runningLimit' | 'queuedLimit' | 'ratePerSecond' | 'rateBurst'>>;

/** The most keys a project holds (revoked ones included): enough for every CI and person, not a leak's worth. */
export const MAX_KEYS_PER_PROJECT = 200;

/**
 * Projects, their keys and their audit log. A bootstrap key (API_KEYS) sees and manages
 * every project; a project's key only its own, and any other project's id is a 404,
 * exactly as an id that does not exist, so that ids tell nothing.
 */
@Injectable()
export class ProjectsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditLog,
    private readonly keys: KeyDirectory,
    private readonly settings: ProjectSettings,
  ) {}

  async create(actor: Principal, request: CreateProjectRequest): Promise<Project> {
    const project = Object.assign(new Project(), {
      id: randomUUID(),
      name: request.name,
      runningLimit: request.runningLimit ?? null,
      queuedLimit: request.queuedLimit ?? null,
      ratePerSecond: request.ratePerSecond ?? null,
      rateBurst: request.rateBurst ?? null,
    });
    try {
      return await this.dataSource.transaction(async (m) => {
        await m.insert(Project, project);
        await this.audit.record(actor, 'project.created', project.id, { name: project.name }, m, project.id);
        return (await m.findOneBy(Project, { id: project.id })) as Project;
      });
    } catch (error) {
      if (isUniqueViolation(error, 'projects_name_uq'))
        throw new ConflictException(`A project named "${request.name}" exists already`);
      throw error;
    }
  }

  list(actor: Principal): Promise<Project[]> {
    return this.dataSource
      .getRepository(Project)
      .find({ where: actor.bootstrap ? {} : { id: actor.projectId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  async get(actor: Principal, id: string): Promise<Project> {
    const project = this.visible(actor, id) ? await this.dataSource.getRepository(Project).findOneBy({ id }) : null;
    if (!project) throw new NotFoundException(`Project ${id} not found`);
    return project;
  }

  async update(actor: Principal, id: string, changes: ProjectChanges): Promise<Project> {
    await this.get(actor, id);
    try {
      const updated = await this.dataSource.transaction(async (m) => {
        if (Object.keys(changes).length) await m.update(Project, { id }, changes);
        await this.audit.record(actor, 'project.updated', id, { ...changes }, m, id);
        return (await m.findOneBy(Project, { id })) as Project;
      });
      await this.settings.changed(id);
      return updated;
    } catch (error) {
      if (isUniqueViolation(error, 'projects_name_uq'))
        throw new ConflictException(`A project named "${changes.name}" exists already`);
      throw error;
    }
  }

  /** A new key: the answer holds the key itself, which is never stored nor shown again. */
  async createKey(actor: Principal, projectId: string, request: CreateKeyRequest): Promise<ApiKey & { key: string }> {
    await this.get(actor, projectId);
    const key = newApiKey();
    const row = Object.assign(new ApiKey(), {
      id: randomUUID(),
      projectId,
      name: request.name,
      scopes: request.scopes,
      keyHash: hashApiKey(key),
      prefix: keyDisplayPrefix(key),
      lastUsedAt: null,
      revokedAt: null,
    });
    const stored = await this.dataSource.transaction(async (m) => {
      // One writer per project at a time, so two creates cannot both pass the count.
      await m.query(`SELECT pg_advisory_xact_lock(hashtext('stevedore.api_keys'), hashtext($1))`, [projectId]);
      const [{ n }] = (await m.query(`SELECT count(*)::int AS n FROM api_keys WHERE project_id = $1`, [
        projectId,
      ])) as Array<{ n: number }>;
      if (n >= MAX_KEYS_PER_PROJECT)
        throw new ConflictException(`Project ${projectId} has ${MAX_KEYS_PER_PROJECT} keys, the most it may hold`);
      await m.insert(ApiKey, row);
      await this.audit.record(
        actor,
        'key.created',
        row.id,
        { name: row.name, scopes: row.scopes, prefix: row.prefix },
        m,
        projectId,
      );
      return (await m.findOneBy(ApiKey, { id: row.id })) as ApiKey;
    });
    return Object.assign(stored, { key });
  }

  async listKeys(actor: Principal, projectId: string): Promise<ApiKey[]> {
    await this.get(actor, projectId);
    return this.dataSource
      .getRepository(ApiKey)
      .find({ where: { projectId }, order: { createdAt: 'DESC', id: 'DESC' } });
  }

  /** Revokes a key at once on every API instance; revoking one already revoked changes nothing. */
  async revokeKey(actor: Principal, projectId: string, keyId: string): Promise<void> {
    await this.get(actor, projectId);
    const revoked = await this.dataSource.transaction(async (m) => {
      const rows = (await m.query(
        `UPDATE api_keys SET revoked_at = COALESCE(revoked_at, now()) WHERE id = $1 AND project_id = $2
         RETURNING key_hash, name, prefix`,
        [keyId, projectId],
      )) as [Array<{ key_hash: Buffer; name: string; prefix: string }>, number];
      const [row] = rows[0];
      if (!row) throw new NotFoundException(`Project ${projectId} has no key ${keyId}`);
      await this.audit.record(actor, 'key.revoked', keyId, { name: row.name, prefix: row.prefix }, m, projectId);
      return row.key_hash;
    });
    await this.keys.revoked(keyId, revoked);
  }

  /** A project's audit log, newest first; a bootstrap key may read any project's. */
  async auditLog(actor: Principal, query: AuditQuery): Promise<CursorPage<AuditEvent>> {
    const projectId = query.projectId ?? actor.projectId;
    if (!this.visible(actor, projectId)) throw new NotFoundException(`Project ${projectId} not found`);
    const qb = this.dataSource
      .getRepository(AuditEvent)
      .createQueryBuilder('event')
      .where('event.project_id = :projectId', { projectId });
    return newestFirstPage(qb, 'at', (event) => event.at, query);
  }

  private visible(actor: Principal, projectId: string): boolean {
    return actor.bootstrap || actor.projectId === projectId;
  }
}
