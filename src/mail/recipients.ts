import { isEmail } from 'class-validator';
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

/**
 * Reads recipients as people write them: one string or a list of strings, each a bare
 * address, `Name <address>`, or a comma-separated list of those (`"Lovelace, Ada"
 * <ada@example.com>, bob@example.com`). Every address part is checked on its own; a
 * problem is named with the field and the position it was given at (`to[1]`).
 * Duplicates (same address, any case) are kept once, the first with its name.
 */
export function parseRecipients(
  field: string,
  value: unknown,
  max: number,
): { mailboxes: Mailbox[]; errors: string[] } {
  const items: unknown[] = typeof value === 'string' ? [value] : Array.isArray(value) ? value : [];
  if (!Array.isArray(value) && typeof value !== 'string') {
    return { mailboxes: [], errors: [`${field} must be an email address or a list of them`] };
  }
  const errors: string[] = [];
  const mailboxes: Mailbox[] = [];
  items.forEach((item, i) => {
    const at = Array.isArray(value) ? `${field}[${i}]` : field;
    if (typeof item !== 'string') return void errors.push(`${at} must be an email address (a string)`);
    if (CONTROL.test(item)) return void errors.push(`${at} must not contain control characters (line breaks included)`);
    const parsed = addressparser(item);
    if (parsed.length === 0) return void errors.push(`${at} must be an email address (got an empty string)`);
    for (const entry of parsed) {
      if (entry.group) return void errors.push(`${at} must list mailboxes, not a group ("${entry.name}: …;")`);
      if (!isEmail(entry.address)) {
        return void errors.push(
          `${at} must be an email address or "Name <address>" (${shown(entry.address || entry.name)} is not an address)`,
        );
      }
      if (entry.name.length > MAX_NAME) return void errors.push(`${at} has a display name over ${MAX_NAME} characters`);
      mailboxes.push({ name: entry.name.trim(), address: entry.address });
    }
  });
  const seen = new Set<string>();
  const unique = mailboxes.filter((m) => !seen.has(m.address.toLowerCase()) && seen.add(m.address.toLowerCase()));
  if (!errors.length && unique.length === 0) errors.push(`${field} must name at least one recipient`);
  if (unique.length > max) errors.push(`${field} may name at most ${max} recipients (got ${unique.length})`);
  return { mailboxes: errors.length ? [] : unique, errors };
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
