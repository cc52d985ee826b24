import { isUtf8 } from 'node:buffer';
import { unzipSync, zipSync, type Zippable } from 'fflate';

/** Replaces every secret a text holds; the worker passes the run's. */
export type Redact = (text: string) => string;

// eslint-disable-next-line no-control-regex
const ANSI_CODES = /\u001b\[[0-9;]*[A-Za-z]/g;

/**
 * A string with its secrets replaced. A code frame's syntax highlighting puts colour codes
 * inside what the test wrote, which can split a secret; where the text without its colour
 * codes still holds one, that plain text is kept instead (it loses its colours, not more).
 */
export function redactString(value: string, redact: Redact): string {
  const redacted = redact(value);
  const plain = redacted.replace(ANSI_CODES, '');
  if (plain === redacted) return redacted;
  const plainRedacted = redact(plain);
  return plainRedacted === plain ? redacted : plainRedacted;
}

/**
 * A parsed JSON value with every string (keys too) redacted, the same object when nothing
 * changed. Strings are redacted as they read, not as JSON escapes them, so a secret holding
 * a quote or a non-ASCII letter is found, and a replacement can never break the JSON.
 */
export function redactJson(value: unknown, redact: Redact): unknown {
  if (typeof value === 'string') return redactString(value, redact);
  if (Array.isArray(value)) {
    const items = value.map((item) => redactJson(item, redact));
    return items.some((item, i) => item !== value[i]) ? items : value;
  }
  if (value !== null && typeof value === 'object') {
    const original = Object.entries(value);
    const entries = original.map(([key, item]) => [redactString(key, redact), redactJson(item, redact)]);
    const changed = entries.some(([key, item], i) => key !== original[i][0] || item !== original[i][1]);
    // fromEntries defines properties: a "__proto__" key stays a key, never a prototype.
    return changed ? Object.fromEntries(entries) : value;
  }
  return value;
}

const parseJson = (text: string): { value: unknown } | undefined => {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
};

/** One JSON document or line, redacted as JSON when it parses (see redactJson), else as text. */
function redactJsonOrText(text: string, redact: Redact): string {
  const parsed = /^\s*[[{]/.test(text) ? parseJson(text) : undefined;
  if (!parsed) return redactString(text, redact);
  try {
    const redacted = redactJson(parsed.value, redact);
    return redacted === parsed.value ? text : JSON.stringify(redacted);
  } catch {
    // Nested too deep to walk: what can still be done is done on the text.
    return redactString(text, redact);
  }
}

/**
 * A text file redacted: a JSON document, JSON lines (a trace's .trace and .network files:
 * one event per line) or plain text. Formatting is kept unless a secret was found.
 */
export function redactText(text: string, redact: Redact): string {
  if (!/^\s*[[{]/.test(text) || parseJson(text)) return redactJsonOrText(text, redact);
  return text
    .split('\n')
    .map((line) => redactJsonOrText(line, redact))
    .join('\n');
}

/** Whether bytes are text: valid UTF-8 without a NUL (an image or a video is neither). */
export const isText = (bytes: Uint8Array) => isUtf8(bytes) && !bytes.includes(0);

/** How much of a zip may be opened in memory to redact it; fflate allocates what the zip declares, no more. */
export interface ZipLimits {
  maxEntries: number;
  maxUncompressedBytes: number;
}

/**
 * A zip's entries, if it is a zip within the limits (the declared sizes are checked before
 * anything is inflated, and fflate never writes past a declared size: a zip bomb is refused,
 * not inflated); undefined otherwise.
 */
export function readZip(bytes: Uint8Array, limits: ZipLimits): Record<string, Uint8Array> | undefined {
  let entries = 0;
  let total = 0;
  try {
    return unzipSync(bytes, {
      filter: (file) => {
        entries += 1;
        total += file.originalSize;
        if (entries > limits.maxEntries || total > limits.maxUncompressedBytes) throw new Error('zip over the limits');
        return true;
      },
    });
  } catch {
    return undefined;
  }
}

/** A zip of the given entries, deflated (a trace's screencast frames are flat JPEGs that still shrink by half). */
export const writeZip = (entries: Zippable): Uint8Array => zipSync(entries, { level: 6 });

/**
 * A zip (a Playwright trace: JSON lines, sources, network bodies, attachments, screencast
 * frames) rewritten with each text entry redacted and the rest as it was; undefined if the bytes are
 * not a zip within the limits.
 */
export function redactZip(bytes: Uint8Array, redact: Redact, limits: ZipLimits): Uint8Array | undefined {
  const entries = readZip(bytes, limits);
  if (!entries) return undefined;
  for (const [name, data] of Object.entries(entries)) {
    if (isText(data)) entries[name] = Buffer.from(redactText(Buffer.from(data).toString('utf8'), redact));
  }
  // Written anew even when nothing was redacted: every zip kept is one this code wrote, whatever was appended to the original.
  return writeZip(entries);
}
