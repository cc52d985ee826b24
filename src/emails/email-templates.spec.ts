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

  it('names a missing variable', () => {
    expect(() => templates.render('welcome', { name: 'x' })).toThrow(new TemplateError('variables.email is required by template "welcome"'));
  });

  it('names an unknown template', () => {
    expect(() => templates.render('nope', {})).toThrow(/template "nope" does not exist/);
  });
});
