import isEmail from 'validator/lib/isEmail';
import addressparser from 'nodemailer/lib/addressparser';

/** One recipient: the address mail goes to, and the name shown with it (may be empty). */
export interface Mailbox {
  name: string;
  address: string;
}

const MAX_NAME = 200;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
/** A display name made only of atext and spaces needs no quotes (RFC 5322 3.2.3). */
const PLAIN_NAME = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~ \u0080-\uffff]+$/;
const shown = (value: string) => JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);

/** A problem with the recipients: what is wrong, and the position of the string it is in. */
export interface RecipientProblem {
  index?: number;
  message: string;
}

/**
 * Reads recipients as people write them: a list of strings, each a bare address,
 * `Name <address>`, or a comma-separated list of those (`"Lovelace, Ada"
 * <ada@example.com>, bob@example.com`). Every address part is checked on its own; a
 * problem says the position of the string it is in. Duplicates (same address, any
 * case) are kept once, the first with its name.
 */
export function readRecipients(
  items: readonly unknown[],
  max: number,
): { mailboxes: Mailbox[]; problems: RecipientProblem[] } {
  const problems: RecipientProblem[] = [];
  const mailboxes: Mailbox[] = [];
  items.forEach((item, index) => {
    const problem = (message: string) => void problems.push({ index, message });
    if (typeof item !== 'string') return problem('must be an email address (a string)');
    if (CONTROL.test(item)) return problem('must not contain control characters (line breaks included)');
    const parsed = addressparser(item);
    if (parsed.length === 0) return problem('must be an email address (got an empty string)');
    for (const entry of parsed) {
      if (entry.group) return problem(`must list mailboxes, not a group ("${entry.name}: …;")`);
      if (!isEmail(entry.address))
        return problem(
          `must be an email address or "Name <address>" (${shown(entry.address || entry.name)} is not an address)`,
        );
      if (entry.name.length > MAX_NAME) return problem(`has a display name over ${MAX_NAME} characters`);
      mailboxes.push({ name: entry.name.trim(), address: entry.address });
    }
  });
  const seen = new Set<string>();
  const unique = mailboxes.filter((m) => !seen.has(m.address.toLowerCase()) && seen.add(m.address.toLowerCase()));
  if (!problems.length && unique.length === 0) problems.push({ message: 'must name at least one recipient' });
  if (unique.length > max) problems.push({ message: `may name at most ${max} recipients (got ${unique.length})` });
  return { mailboxes: problems.length ? [] : unique, problems };
}

/**
 * readRecipients for one string or a list of strings, each problem named with the field
 * and the position it was given at (`to[1]`).
 */
export function parseRecipients(
  field: string,
  value: unknown,
  max: number,
): { mailboxes: Mailbox[]; errors: string[] } {
  if (!Array.isArray(value) && typeof value !== 'string') {
    return { mailboxes: [], errors: [`${field} must be an email address or a list of them`] };
  }
  const { mailboxes, problems } = readRecipients(typeof value === 'string' ? [value] : value, max);
  const at = (index?: number) => (index === undefined || !Array.isArray(value) ? field : `${field}[${index}]`);
  return { mailboxes, errors: problems.map(({ index, message }) => `${at(index)} ${message}`) };
}

/** The mailbox as a header writes it: `address`, `Name <address>`, or `"Name, quoted" <address>`. */
export function formatMailbox({ name, address }: Mailbox): string {
  if (!name) return address;
  const display = PLAIN_NAME.test(name) ? name : `"${name.replace(/(["\\])/g, '\\$1')}"`;
  return `${display} <${address}>`;
}

/** A stored recipient (as formatMailbox wrote it) back to its parts, for sending. */
export function toMailbox(recipient: string): Mailbox {
  const [entry] = addressparser(recipient, { flatten: true });
  return { name: entry?.name ?? '', address: entry?.address ?? recipient };
}
