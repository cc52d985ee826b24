import { prepareDatabase } from './helpers/database';
import { TEST_DATABASE_URL } from './helpers/test-env';

/**
 * Creates the e2e database afresh and brings it to the latest migration. Afresh: rows an
 * earlier run left (runs still queued when its processes stopped) would count against
 * the capacity of this run's stacks, which read waiting runs from the database.
 */
export default async function globalSetup(): Promise<void> {
  await prepareDatabase(TEST_DATABASE_URL, { fresh: true });
}
