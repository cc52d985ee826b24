import { z } from 'zod';
import { formatMailbox, readRecipients } from './recipients';

/**
 * Turns a list of recipient strings into one `Name <address>` per recipient, as headers
 * write them; each problem is said of the string it is in (`to[1] ...`).
 */
const toMailboxes =
  (max: number, noneAllowed: boolean) =>
  (items: unknown[], ctx: z.RefinementCtx): string[] => {
    if (noneAllowed && items.length === 0) return [];
    const { mailboxes, problems } = readRecipients(items, max);
    for (const { index, message } of problems)
      ctx.addIssue({ code: 'custom', path: index === undefined ? [] : [index], message });
    return mailboxes.map(formatMailbox);
  };

const ADDRESS_FORMS = 'each an address, "Name <address>", or a comma-separated list of those';

/** The recipients of an email: one string or a list of strings, at most `max` recipients in all. */
export const recipientList = (max: number) =>
  z
    .union([z.string(), z.array(z.unknown())], { error: 'must be an email address or a list of them' })
    .meta({
      anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
      description: `Up to ${max} recipients: ${ADDRESS_FORMS} (quote a name that holds a comma)`,
      example: ['qa@example.com', 'Ada Lovelace <ada@example.com>'],
    })
    .transform((value) => (typeof value === 'string' ? [value] : value))
    .transform(toMailboxes(max, false));

/** Who else is told (a suite's notify): a list of recipient strings, possibly empty. */
export const notifyList = (max: number) =>
  z
    .array(z.unknown(), { error: 'must be a list of email addresses' })
    .meta({ items: { type: 'string' }, description: `Up to ${max} recipients, ${ADDRESS_FORMS}` })
    .transform(toMailboxes(max, true));
