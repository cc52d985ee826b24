import { suiteEmailVariables, suiteReport } from '../suites/suite-report';
import { SuiteStatus } from '../suites/suite.entity';
import { EmailTemplates, TemplateError } from './email-templates';

describe('EmailTemplates', () => {
  const templates = new EmailTemplates();

  it('ships the welcome template', () => {
    expect(templates.names()).toContain('welcome');
  });

  it('renders subject, text and html, escaping HTML only in the html part', () => {
    const out = templates.render('welcome', { name: 'Tom & <Jerry>', email: 'tom@example.com' });
    expect(out.subject).toBe('Welcome to Stevedore, Tom & <Jerry>');
    expect(out.text).toContain('Hello Tom & <Jerry>,');
    expect(out.html).toContain('Hello Tom &amp; &lt;Jerry&gt;,');
  });

  it('welcomes with what the product has today: the APIs and live updates, no web dashboard yet', () => {
    const out = templates.render('welcome', { name: 'Ada', email: 'ada@example.com' });
    for (const part of [out.text!, out.html!]) {
      expect(part).toContain('ada@example.com');
      expect(part).toContain('REST or GraphQL API');
      expect(part).toContain('socket.io or server-sent events');
      expect(part).not.toMatch(/dashboard|web UI|sign in/i);
    }
  });

  it('renders the suite-finished summary: counts, what did not pass with its error, a link per run', () => {
    const report = suiteReport(
      {
        id: 's1',
        name: 'smoke',
        status: SuiteStatus.failed,
        total: 2,
        passed: 1,
        failed: 1,
        errored: 0,
        cancelled: 0,
        startedAt: null,
        finishedAt: null,
        durationMs: 3000,
      },
      [
        { id: 'r1', name: 'ok', status: 'passed', error: null, durationMs: 1000 },
        { id: 'r2', name: 'bad <heading>', status: 'failed', error: 'expected "Goodbye"', durationMs: 2000 },
      ],
      'https://stevedore.example.com',
    );
    const out = templates.render('suite-finished', suiteEmailVariables(report));
    expect(out.subject).toBe('[failed] smoke: 1 of 2 passed');
    expect(out.text).toContain(
      '- bad <heading> (failed)\n  https://stevedore.example.com/api/runs/r2\n  expected "Goodbye"',
    );
    expect(out.text).toContain('- passed  ok  https://stevedore.example.com/api/runs/r1');
    expect(out.html).toContain('<a href="https://stevedore.example.com/api/runs/r2">bad &lt;heading&gt;</a> (failed)');
  });

  it('names a missing variable', () => {
    expect(() => templates.render('welcome', { name: 'x' })).toThrow(
      new TemplateError('variables.email is required by template "welcome"'),
    );
  });

  it('names an unknown template', () => {
    expect(() => templates.render('nope', {})).toThrow(/template "nope" does not exist/);
  });
});
