import { z } from 'zod';
import { responseBody } from '../docs/document-registry';
import { count, dateTime, jsonObject, page, timestamps, uuid } from '../docs/wire-types';
import { EmailStatus } from './email.entity';

/**
 * The email bodies of REST answers: each schema is registered under its name in the
 * OpenAPI document, and the controllers return their z.output types, so the document and
 * the answers cannot differ.
 */

export const emailBody = responseBody(
  'Email',
  z.object({
    ...timestamps,
    id: uuid,
    to: z.array(z.string()),
    template: z.string().nullable(),
    variables: jsonObject('Variables given to the template').nullable(),
    subject: z.string(),
    text: z.string().nullable(),
    html: z.string().nullable(),
    status: z.enum(EmailStatus),
    messageId: z.string().nullable().meta({ description: 'The Message-ID header (deterministic per email)' }),
    attempts: count,
    lastError: z.string().nullable(),
    idempotencyKey: z.string().nullable(),
    userId: uuid.nullable(),
    sentAt: dateTime.nullable(),
  }),
);

export const emailPageBody = responseBody('EmailPage', page(emailBody));

export const emailAcceptedBody = responseBody('EmailAccepted', z.object({ id: uuid, status: z.enum(EmailStatus) }));

export const emailBatchAcceptedBody = responseBody(
  'EmailBatchAccepted',
  z.object({
    emails: z
      .array(
        z.object({
          id: uuid,
          status: z.enum(EmailStatus),
          created: z.boolean().meta({
            description: 'False when its idempotencyKey gave back the email an earlier request made',
          }),
        }),
      )
      .meta({ description: "Each email of the batch, in the request's order" }),
  }),
);
