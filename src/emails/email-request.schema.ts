import { z } from 'zod';
import { recipientList } from '../mail/recipient-list';
import { FIELD } from '../validation/problem-lines';
import { closedObject, optional } from '../validation/request-fields';

export const MAX_RECIPIENTS = 50;
export const MAX_BODY_CHARS = 512 * 1024;
const MAX_VARIABLES_BYTES = 64 * 1024;

const body = (what: string) =>
  optional(
    z
      .string({ error: 'must be a string' })
      .max(MAX_BODY_CHARS, { error: `must be at most ${MAX_BODY_CHARS} characters` }),
  ).meta({ description: `The ${what} body (without a template)` });

/**
 * An email from a template (`template` + `variables`) or raw (`subject` + `text` and/or
 * `html`): the body of POST /api/emails and GraphQL's sendEmail input. `to` comes out as
 * one `Name <address>` per recipient, written the way the header is.
 */
const EMAIL_FIELDS = {
  to: recipientList(MAX_RECIPIENTS),
  template: optional(
    z
      .string({ error: 'must be a string' })
      .regex(/^[a-z0-9-]+$/, { error: 'must be a template name (lowercase letters, digits, -)' })
      .max(100, { error: 'must be shorter than or equal to 100 characters' }),
  ).meta({ description: "A template's name, instead of subject, text and html", example: 'welcome' }),
  variables: optional(z.record(z.string(), z.unknown(), { error: 'must be an object' })).meta({
    description: "The template's variables",
    example: { name: 'Ada' },
  }),
  subject: optional(
    z
      .string({ error: 'must be a string' })
      .min(1, { error: 'must be longer than or equal to 1 characters' })
      .max(998, { error: 'must be at most 998 characters' }),
  ).meta({ description: 'The subject line (without a template)', example: 'Release 1.4 is out' }),
  text: body('plain-text'),
  html: body('HTML'),
};

export const sendEmailRequestSchema = closedObject(
  EMAIL_FIELDS,
  `property ${FIELD} should not exist`,
  'the body must be a JSON object',
)
  .superRefine(checkContentChoice)
  .meta({ description: 'An email to send: a template with variables, or a subject with text and/or html' });

/** Most emails in one POST /api/emails/batch (the 1 MiB body limit may stop a batch of long ones first). */
export const MAX_BATCH_EMAILS = 500;

export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** One email of a batch: as POST /api/emails takes it, with its Idempotency-Key as a field. */
export const batchEmailSchema = closedObject(
  {
    ...EMAIL_FIELDS,
    idempotencyKey: optional(
      z
        .string({ error: 'must be a string' })
        .regex(IDEMPOTENCY_KEY, { error: 'must be 1 to 255 visible ASCII characters' }),
    ).meta({
      description:
        'As the Idempotency-Key header of POST /api/emails: a repeat in the project gives back the first email',
    }),
  },
  `property ${FIELD} should not exist`,
  'must be a JSON object',
)
  .superRefine(checkContentChoice)
  .meta({ description: 'An email of a batch: a template with variables, or a subject with text and/or html' });

/** The body of POST /api/emails/batch: every email is checked before any is stored. */
export const sendEmailBatchRequestSchema = closedObject(
  {
    emails: z
      .array(batchEmailSchema, { error: 'must be an array of emails' })
      .min(1, { error: 'must hold at least 1 email' })
      .max(MAX_BATCH_EMAILS, { error: `must hold at most ${MAX_BATCH_EMAILS} emails` })
      .superRefine(checkDistinctKeys, { when: () => true })
      .meta({ description: `1 to ${MAX_BATCH_EMAILS} emails, queued all together or not at all` }),
  },
  `property ${FIELD} should not exist`,
  'the body must be a JSON object',
).meta({ description: 'Emails to queue at once' });

/**
 * One key names one email: a second use in the same batch is a mistake, not a repeat. Run
 * even when other emails are wrong (so the 400 says all), on items that may not be objects.
 */
function checkDistinctKeys(emails: unknown[], ctx: z.RefinementCtx): void {
  if (!Array.isArray(emails)) return;
  const firstAt = new Map<string, number>();
  emails.forEach((email, index) => {
    const key = (email as { idempotencyKey?: unknown } | null)?.idempotencyKey;
    if (typeof key !== 'string') return;
    const first = firstAt.get(key);
    if (first === undefined) firstAt.set(key, index);
    else
      ctx.addIssue({
        code: 'custom',
        path: [index, 'idempotencyKey'],
        message: `is already the key of emails[${first}]`,
      });
  });
}

/** A template with its variables, or a subject with text and/or html: never a mix. */
function checkContentChoice(
  input: { template?: string; variables?: Record<string, unknown>; subject?: string; text?: string; html?: string },
  ctx: z.RefinementCtx,
): void {
  const problem = (message: string) => ctx.addIssue({ code: 'custom', message });
  const { template, variables, subject, text, html } = input;
  if (template !== undefined && subject !== undefined) problem('give either template or subject, not both');
  if (template === undefined && subject === undefined) problem('template or subject is required');
  if (template !== undefined && (text !== undefined || html !== undefined))
    problem('text and html come from the template: leave them out');
  if (subject !== undefined && text === undefined && html === undefined)
    problem('text or html is required with subject');
  if (variables !== undefined && template === undefined) problem('variables go with template');
  if (variables !== undefined && Buffer.byteLength(JSON.stringify(variables)) > MAX_VARIABLES_BYTES)
    problem(`variables must be at most ${MAX_VARIABLES_BYTES} bytes of JSON`);
}

export type SendEmailRequest = z.output<typeof sendEmailRequestSchema>;
export type BatchEmail = z.output<typeof batchEmailSchema>;
export type SendEmailBatchRequest = z.output<typeof sendEmailBatchRequestSchema>;
