import { DataSource } from 'typeorm';
import { envSchema } from '../config/env.schema';
import { loadEnvFile } from '../config/load-env-file';
import { databaseOptions } from './database-options';

/** Used by the TypeORM CLI (`pnpm migration:*`); it needs only DATABASE_URL. */
loadEnvFile();
const url = envSchema.shape.DATABASE_URL.parse(process.env.DATABASE_URL || undefined);
export default new DataSource(databaseOptions(url));
