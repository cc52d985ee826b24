import { Injectable } from '@nestjs/common';
import type * as HandlebarsModule from 'handlebars';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface RenderedEmail {
  subject: string;
  text: string | null;
  html: string | null;
}

export class TemplateError extends Error {}

type Compiled = (variables: Record<string, unknown>) => string;
interface Template {
  subject: Compiled;
  text?: Compiled;
  html?: Compiled;
}

export const TEMPLATES_DIR = join(__dirname, 'templates');

/**
 * Handlebars, loaded at the first render: the API renders only when an email is accepted
 * (and Handlebars compiles a template at its first call anyway).
 */
function handlebars(): typeof HandlebarsModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('handlebars') as typeof HandlebarsModule;
}

/** A template part compiled at its first render, strict (a missing variable is an error naming it). */
function compileLater(source: string, noEscape: boolean): Compiled {
  let compiled: Compiled | undefined;
  return (variables) => (compiled ??= handlebars().compile(source, { strict: true, noEscape }))(variables);
}

/**
 * Email templates as files: `templates/<name>/subject.hbs`, `text.hbs` and/or `html.hbs`,
 * rendered with Handlebars in strict mode so a missing variable is an error naming it.
 * HTML is escaped in the html part only.
 */
@Injectable()
export class EmailTemplates {
  private readonly templates = new Map<string, Template>();

  constructor() {
    this.load(TEMPLATES_DIR);
  }

  names(): string[] {
    return [...this.templates.keys()].sort();
  }

  render(name: string, variables: Record<string, unknown>): RenderedEmail {
    const template = this.templates.get(name);
    if (!template) throw new TemplateError(`template "${name}" does not exist (known: ${this.names().join(', ')})`);
    try {
      return {
        subject: template.subject(variables).trim(),
        text: template.text?.(variables) ?? null,
        html: template.html?.(variables) ?? null,
      };
    } catch (error) {
      const missing = /"([^"]+)" not defined/.exec((error as Error).message);
      if (missing) throw new TemplateError(`variables.${missing[1]} is required by template "${name}"`);
      throw new TemplateError(`template "${name}" could not be rendered: ${(error as Error).message}`);
    }
  }

  private load(dir: string): void {
    for (const name of readdirSync(dir)) {
      const file = (part: string) => join(dir, name, `${part}.hbs`);
      const compile = (part: string, noEscape: boolean): Compiled | undefined =>
        existsSync(file(part)) ? compileLater(readFileSync(file(part), 'utf8'), noEscape) : undefined;
      const subject = compile('subject', true);
      if (!subject) continue;
      this.templates.set(name, { subject, text: compile('text', true), html: compile('html', false) });
    }
  }
}
