import { join } from 'node:path';
import type { DataSourceOptions } from 'typeorm';

/**
 * One description of the database for the app and for the TypeORM CLI. Entities and
 * migrations are found by file name so a new feature needs no edit here.
 */
export function databaseOptions(url: string): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: [join(__dirname, '..', '**', '*.entity.{js,ts}')],
    migrations: [join(__dirname, 'migrations', '*.{js,ts}')],
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    extra: { max: 10, connectionTimeoutMillis: 5000 },
  };
}
