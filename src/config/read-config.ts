import { ConfigError, Env, parseEnv } from './env.schema';
import { loadEnvFile } from './load-env-file';

/** Reads config once, fails fast with one line on a bad value. */
export function readConfigOrExit(): Env {
  loadEnvFile();
  try {
    return parseEnv(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}
