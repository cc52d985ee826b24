import isEmail from 'validator/lib/isEmail';
import { z } from 'zod';
import { FIELD } from '../validation/problem-lines';
import { closedObject, gotText, httpUrl, isHttpUrl, oneOf, requiredName } from '../validation/request-fields';
import { isObject } from '../validation/body-checks';
import { ALERT_CHANNEL_TYPES, type AlertChannelConfig, type AlertChannelType } from './alert-channel.entity';

export const MAX_EMAIL_RECIPIENTS = 20;
const URL_MAX = 2048;

/** Which fields each type takes: a field of another type is refused rather than silently dropped. */
const FIELDS_OF: Record<AlertChannelType, { required: string[]; optional: string[] }> = {
  email: { required: ['to'], optional: [] },
  webhook: { required: ['url'], optional: [] },
  slack: { required: ['url'], optional: [] },
  pagerduty: { required: ['routingKey'], optional: ['url'] },
};

const channelOf = (type: AlertChannelType) => `${type === 'email' ? 'an' : 'a'} ${type} channel`;
const TYPE_MESSAGE = `must be one of ${ALERT_CHANNEL_TYPES.join(', ')}`;

const address = z
  .string({ error: 'must be an email address' })
  .trim()
  .max(320, { error: 'must be at most 320 characters' })
  .refine((value) => isEmail(value), { error: 'must be an email address' });

/** The body of POST /api/alert-channels (GraphQL's createAlertChannel input is checked by it too). */
export const createAlertChannelRequestSchema = closedObject(
  {
    name: requiredName(100, 'must be a non-empty string of at most 100 characters').meta({
      description: 'Unique in the project (any case)',
      example: 'on-call email',
    }),
    type: oneOf(ALERT_CHANNEL_TYPES, (given) => `${TYPE_MESSAGE}${gotText(given)}`).meta({
      description:
        'email (to), webhook (url: a signed JSON body), slack (url: an incoming webhook), pagerduty (routingKey, url optional)',
    }),
    to: z
      .preprocess(
        (value) => (typeof value === 'string' ? [value] : value),
        z
          .array(address, { error: 'must be a list of email addresses' })
          .min(1, { error: 'must name at least one address' })
          .max(MAX_EMAIL_RECIPIENTS, { error: `may name at most ${MAX_EMAIL_RECIPIENTS} addresses` }),
      )
      .optional()
      .meta({
        description: `email: the recipients, 1 to ${MAX_EMAIL_RECIPIENTS} addresses`,
        example: ['oncall@example.com'],
      }),
    url: httpUrl(URL_MAX).optional().meta({
      description:
        'webhook, slack: where to POST (required); pagerduty: the Events API v2 URL (default https://events.pagerduty.com/v2/enqueue). Must pass the egress rule',
      example: 'https://hooks.example.com/stevedore',
    }),
    routingKey: z
      .string({ error: 'must be a string' })
      .regex(/^[A-Za-z0-9_-]{8,128}$/, { error: 'must be 8 to 128 letters, digits, - or _ (an integration key)' })
      .optional()
      .meta({ description: 'pagerduty: the integration (routing) key; never shown again in full' }),
  },
  `property ${FIELD} should not exist`,
  'the body must be a JSON object with name, type and the fields of that type',
)
  .superRefine(
    (body, ctx) => {
      const fields = FIELDS_OF[body.type];
      for (const field of fields.required)
        if (body[field as keyof typeof body] === undefined)
          ctx.addIssue({ code: 'custom', path: [field], message: `is required for ${channelOf(body.type)}` });
      for (const field of ['to', 'url', 'routingKey'])
        if (body[field as keyof typeof body] !== undefined && ![...fields.required, ...fields.optional].includes(field))
          ctx.addIssue({ code: 'custom', path: [field], message: `is not a field of ${channelOf(body.type)}` });
    },
    {
      when: (payload) =>
        isObject(payload.value) && ALERT_CHANNEL_TYPES.includes((payload.value as { type: never }).type),
    },
  )
  .transform(({ name, type, to, url, routingKey }) => ({
    name,
    type,
    config: configOf(type, { to, url, routingKey }),
  }))
  .meta({ description: 'An alert channel: where incidents of the schedules that name it are told' });

export type CreateAlertChannelRequest = z.output<typeof createAlertChannelRequestSchema>;

function configOf(
  type: AlertChannelType,
  given: { to?: string[]; url?: string; routingKey?: string },
): AlertChannelConfig {
  if (type === 'email') return { to: [...new Set(given.to ?? [])] };
  if (type === 'pagerduty')
    return { routingKey: given.routingKey as string, ...(given.url ? { url: given.url } : {}) } as AlertChannelConfig;
  return { url: given.url as string };
}

/** The URLs a channel's config holds, by field: each must pass the egress rule when it is stored. */
export function configUrls(config: AlertChannelConfig): Array<{ field: string; url: string }> {
  const url = (config as { url?: string }).url;
  return url && isHttpUrl(url) ? [{ field: 'url', url }] : [];
}
