import { parseLiveTarget } from './live-target';

const id = '8f14e45f-ceea-4a7e-9e1f-6f5a4c2b1d00';

describe('parseLiveTarget', () => {
  it('takes one id field', () => {
    expect(parseLiveTarget({ runId: id })).toEqual({ kind: 'run', id });
    expect(parseLiveTarget({ scrapeId: id })).toEqual({ kind: 'scrape', id });
    expect(parseLiveTarget({ emailId: id })).toEqual({ kind: 'email', id });
    expect(parseLiveTarget({ suiteId: id })).toEqual({ kind: 'suite', id });
  });

  it('names what is wrong', () => {
    expect(parseLiveTarget('x')).toEqual({ error: expect.stringContaining('expects an object') });
    expect(parseLiveTarget({})).toEqual({ error: expect.stringContaining('exactly one of runId') });
    expect(parseLiveTarget({ runId: id, scrapeId: id })).toEqual({ error: expect.stringContaining('exactly one') });
    expect(parseLiveTarget({ runId: 42 })).toEqual({ error: 'runId must be a UUID' });
  });
});
