import { UnrecoverableError } from 'bullmq';
import { jobDataId } from './job-data-id';

describe('jobDataId', () => {
  it('gives the row id a job names', () => {
    const id = '0b9d5a4e-8f1c-4d2a-9b3e-2f6c7d8e9a01';
    expect(jobDataId({ runId: id }, 'runId')).toBe(id);
  });

  it.each([undefined, {}, { runId: 42 }, { runId: 'not-a-uuid' }, { runId: '' }])(
    'fails a job for good when its data (%j) names no valid id',
    (data) => {
      const read = () => jobDataId(data as { runId?: unknown } | undefined, 'runId');
      expect(read).toThrow(UnrecoverableError);
      expect(read).toThrow('job data has no valid runId');
    },
  );
});
