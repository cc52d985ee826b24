/**
 * The project every row made before projects existed belongs to, and the one API_KEYS
 * (the bootstrap admin keys from the environment) act in. Fixed, so that the migration,
 * every instance and the tests agree on it without a lookup.
 */
export const DEFAULT_PROJECT_ID = '00000000-0000-4000-8000-000000000001';
