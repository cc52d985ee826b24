import { defaultPageFields } from './scrapes.service';

describe('defaultPageFields (GET /api/scrapes/:id/pages without ?fields=)', () => {
  it('carries text and html when the scrape asked for them', () => {
    expect(defaultPageFields(['text', 'html'])).toEqual(
      expect.arrayContaining(['url', 'state', 'error', 'text', 'html']),
    );
    expect(defaultPageFields(['text', 'html'])).not.toContain('markdown');
  });

  it('carries markdown and links for the default formats, and no text or html', () => {
    const fields = defaultPageFields(['markdown', 'links']);
    expect(fields).toEqual(expect.arrayContaining(['markdown', 'links']));
    expect(fields).not.toEqual(expect.arrayContaining(['text']));
    expect(fields).not.toContain('html');
  });
});
