import { existsSync } from 'node:fs';

/** Loads `.env` from the working directory if there is one; real environment variables win. */
export function loadEnvFile(path = '.env'): void {
  if (process.env.NODE_ENV === 'test' || !existsSync(path)) return;
  process.loadEnvFile(path);
}
