import type { Job } from 'bullmq';
import type { DataSource } from 'typeorm';
import { setTimeout as sleep } from 'node:timers/promises';
import type { JobRowKind } from '../queues/job-kind';
import { CANCEL_CHECK_MS } from './job-stop';
import { JobRunKit } from './job-run-kit';
import { STOP_REASONS } from './stop-reasons';

const KIND: JobRowKind = {
  what: 'scrape',
  table: 'scrapes',
  inFlight: ['queued', 'running'],
  failedStatus: 'failed',
  errorColumn: 'error',
  hasFinishedAt: true,
  hasPriority: true,
  replayClears: '',
};

/** A database that answers each query from `answer` and remembers the SQL it was sent. */
const fakeDb = (answer: (sql: string) => unknown) => {
  const sent: string[] = [];
  const db = {
    query: (sql: string) => {
      sent.push(sql);
      return Promise.resolve(answer(sql));
    },
  } as unknown as DataSource;
  return { db, sent };
};

describe('JobRunKit', () => {
  const job = { attemptsMade: 0, opts: { attempts: 1 } } as unknown as Job;

  it('settles an unclaimed row of its own kind', async () => {
    const { db, sent } = fakeDb(() => [[{ id: 's1' }], 1]);
    const kit = new JobRunKit(db, KIND, 's1', job, new AbortController().signal);
    await expect(kit.settleUnclaimed()).resolves.toBe('cancelled');
    expect(sent[0]).toContain('UPDATE scrapes SET status = ');
  });

  it('stops the work when its row says cancel was asked', async () => {
    const { db, sent } = fakeDb(() => [{ cancel_requested: true }]);
    const stop = new JobRunKit(db, KIND, 's1', job, new AbortController().signal).startStop(60_000);
    try {
      await sleep(CANCEL_CHECK_MS + 200);
      expect(stop.reason).toBe(STOP_REASONS.cancel);
      expect(sent).toEqual(['SELECT cancel_requested FROM scrapes WHERE id = $1']);
    } finally {
      stop.dispose();
    }
  });
});
