import { prepareDatabase } from './helpers/database';
import { TEST_DATABASE_URL } from './helpers/test-env';

/** Creates the e2e database if needed and brings it to the latest migration. */
export default async function globalSetup(): Promise<void> {
  await prepareDatabase(TEST_DATABASE_URL);
}
