import { JobCatalogue } from '../queues/job-catalogue';
import { jobKind } from '../queues/job-kind';
import { checkJobHandlers } from './job-handler-check';

const catalogue = new JobCatalogue([
  jobKind<{ a: string }>()({ queue: 'alpha', name: 'do-alpha' }),
  jobKind<{ b: string }>()({ queue: 'beta', name: 'do-beta' }),
]);

describe('checkJobHandlers', () => {
  it('accepts one processor per job kind', () => {
    expect(() => checkJobHandlers(catalogue, ['alpha', 'beta'])).not.toThrow();
  });

  it('refuses a job kind without a processor, naming it', () => {
    expect(() => checkJobHandlers(catalogue, ['alpha'])).toThrow(
      'The worker\'s processors do not match the job catalogue: job kind "do-beta" on queue beta has no processor.',
    );
  });

  it('refuses a job kind with two processors, naming it', () => {
    expect(() => checkJobHandlers(catalogue, ['alpha', 'beta', 'alpha'])).toThrow(
      'job kind "do-alpha" on queue alpha has 2 processors',
    );
  });

  it('refuses a processor on a queue no job kind declares', () => {
    expect(() => checkJobHandlers(catalogue, ['alpha', 'beta', 'gamma'])).toThrow(
      'a processor takes jobs from gamma, which no job kind declares',
    );
  });

  it('refuses two job kinds on one queue when the catalogue is built', () => {
    expect(
      () =>
        new JobCatalogue([
          jobKind<{ a: string }>()({ queue: 'alpha', name: 'one' }),
          jobKind<{ a: string }>()({ queue: 'alpha', name: 'two' }),
        ]),
    ).toThrow('Two job kinds are declared on the queue alpha');
  });
});
