import { Column, Index } from 'typeorm';
import { DEFAULT_PROJECT_ID } from './default-project';

/**
 * The project a row belongs to (project_id). Not selected by default: answers do not
 * carry it, and every read filters on it instead (a row of another project is not found).
 */
export const ProjectColumn = () =>
  Column({ name: 'project_id', type: 'uuid', default: DEFAULT_PROJECT_ID, select: false });

/** The index a newest-first list of one project reads (kept by its migration). */
export const ProjectListIndex = (table: string) => Index(`${table}_project_created_idx`, { synchronize: false });
