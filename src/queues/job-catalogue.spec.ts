import { JOB_CATALOGUE } from '../job-catalogue';

describe('JobCatalogue.ownerOf', () => {
  it("names the row a job works on, or its kind's owner, whose project a dead letter joins", () => {
    expect(JOB_CATALOGUE.ownerOf('emails', 'e1', { emailId: 'e1' })).toEqual({ table: 'emails', id: 'e1' });
    expect(JOB_CATALOGUE.ownerOf('scrapes', 's1', { scrapeId: 's1' })).toEqual({ table: 'scrapes', id: 's1' });
    expect(JOB_CATALOGUE.ownerOf('schedules', 'repeat:x', { scheduleId: 'k1' })).toEqual({
      table: 'schedules',
      id: 'k1',
    });
    expect(JOB_CATALOGUE.ownerOf('webhooks', 'u1', { suiteId: 'u1' })).toEqual({ table: 'suites', id: 'u1' });
  });

  it('names none for data that names no row, or a queue of no kind', () => {
    expect(JOB_CATALOGUE.ownerOf('webhooks', 'u1', {})).toBeUndefined();
    expect(JOB_CATALOGUE.ownerOf('schedules', 'x', null)).toBeUndefined();
    expect(JOB_CATALOGUE.ownerOf('nope', 'x', {})).toBeUndefined();
  });
});
