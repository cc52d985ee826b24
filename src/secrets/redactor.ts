/**
 * Values shorter than this are not redacted: a secret of "abc" or "1" would blank out
 * ordinary words and numbers all over a report, and a value that short protects little.
 */
export const MIN_REDACTED_LENGTH = 4;

/** Rounds of marking before falling back to removal (see Redactor.text). */
const MARKING_ROUNDS = 3;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The ways a value commonly appears in text: as itself, inside a JSON string, inside a URL. */
function formsOf(value: string): string[] {
  const forms = [value, JSON.stringify(value).slice(1, -1)];
  try {
    forms.push(encodeURIComponent(value));
  } catch {
    // A lone surrogate has no URI form: nothing to look for.
  }
  return forms;
}

/** An alternation of `forms`, longest first, so a value is redacted whole where another is part of it. */
function patternOf(forms: Iterable<string>): RegExp | undefined {
  const sorted = [...forms].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  return sorted.length ? new RegExp(sorted.map(escapeRegExp).join('|'), 'g') : undefined;
}

/**
 * Replaces the values of a run's secrets with `[redacted:NAME]` in what is stored or
 * shown: errors, console output, reports, attachments. Each value is looked for as
 * itself, JSON-escaped and URL-encoded (when those differ); longer values first.
 *
 * Limits, by design: values under MIN_REDACTED_LENGTH characters are left alone; a value
 * transformed otherwise (base64, as in a Basic Authorization header; hashed; printed one
 * character at a time; split across two chunks of a stream) is not recognised; binary
 * formats (a zipped trace, an image) are searched as bytes, so compressed text is not.
 */
export class Redactor {
  /** A redactor for a run without secrets: every method returns its input. */
  static readonly none = new Redactor({});

  /** Each form's secret name, keyed by the form as text. */
  private readonly names = new Map<string, string>();
  /** The same forms as UTF-8 bytes read as latin1 (one character per byte), for `bytes`. */
  private readonly byteNames = new Map<string, string>();
  private readonly textPattern: RegExp | undefined;
  private readonly bytePattern: RegExp | undefined;

  constructor(values: Record<string, string>) {
    // By name, so that when two secrets share a value the marker always names the same one.
    for (const [name, value] of Object.entries(values).sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (value.length < MIN_REDACTED_LENGTH) continue;
      for (const form of formsOf(value)) {
        if (!this.names.has(form)) this.names.set(form, name);
        const bytes = Buffer.from(form, 'utf8').toString('latin1');
        if (!this.byteNames.has(bytes)) this.byteNames.set(bytes, name);
      }
    }
    this.textPattern = patternOf(this.names.keys());
    this.bytePattern = patternOf(this.byteNames.keys());
  }

  /** True when there is nothing to redact: callers may skip work (reading a file) altogether. */
  get isEmpty(): boolean {
    return this.textPattern === undefined;
  }

  /**
   * `text` with every secret value replaced. A marker can, with its neighbours, spell
   * another value (a secret `X]ab` next to one named X): the text is marked again until no
   * value is left, and should a few rounds not do it (a value that is itself a marker), the
   * values left are removed instead, which always ends since the text shrinks each time.
   */
  text(text: string): string {
    return this.textPattern ? scrub(text, this.textPattern, this.names) : text;
  }

  /** `bytes` with every value's UTF-8 form replaced, byte for byte elsewhere: binary content stays intact. */
  bytes(bytes: Buffer): Buffer {
    if (!this.bytePattern) return bytes;
    const latin1 = bytes.toString('latin1');
    const scrubbed = scrub(latin1, this.bytePattern, this.byteNames);
    return scrubbed === latin1 ? bytes : Buffer.from(scrubbed, 'latin1');
  }

  /** A copy of a JSON value with every string redacted, object keys included. */
  json<T>(value: T): T {
    return this.textPattern ? (this.walk(value) as T) : value;
  }

  private walk(value: unknown): unknown {
    if (typeof value === 'string') return this.text(value);
    if (Array.isArray(value)) return value.map((item) => this.walk(item));
    if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype)
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [this.text(key), this.walk(item)]));
    return value;
  }
}

function scrub(text: string, pattern: RegExp, names: Map<string, string>): string {
  let current = text;
  for (let round = 0; round < MARKING_ROUNDS; round++) {
    if (current.search(pattern) === -1) return current;
    current = current.replace(pattern, (form) => `[redacted:${names.get(form)}]`);
  }
  for (let next = current.replace(pattern, ''); next !== current; next = current.replace(pattern, '')) current = next;
  return current;
}
