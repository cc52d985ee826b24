import { REPORT_DATA_NAME, REPORT_ENTRY_NAME } from './report-layout';
import { readZip, redactJson, writeZip, type Redact, type ZipLimits } from './redact-content';

/**
 * Inline attachment bodies of these types are shown as they are. Any other type (text/html,
 * image/svg+xml, ...) becomes text/plain: the report opens an inline body as a blob: URL of
 * its own type, on the API's origin, and a test's HTML must never render there as a page.
 */
const INLINE_BODY_TYPES = new Set(['text/plain', 'text/markdown', 'text/csv', 'application/json']);
const ATTACHMENT_PATH = new RegExp(`^data/${REPORT_DATA_NAME.source.slice(1, -1)}$`);

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** Every attachment in a report entry made harmless to show: its inline body plain text, its path one of data/. */
function cleanAttachments(value: unknown): void {
  if (Array.isArray(value)) {
    value.forEach(cleanAttachments);
    return;
  }
  if (!isObject(value)) return;
  if (Array.isArray(value.attachments)) {
    for (const attachment of value.attachments) {
      if (!isObject(attachment)) continue;
      const type = typeof attachment.contentType === 'string' ? attachment.contentType.toLowerCase() : '';
      if (attachment.body !== undefined && !INLINE_BODY_TYPES.has(type.split(';')[0].trim()))
        attachment.contentType = 'text/plain';
      // A path outside data/ (another run's files, a URL) is not a file of this report.
      if (
        attachment.path !== undefined &&
        !(typeof attachment.path === 'string' && ATTACHMENT_PATH.test(attachment.path))
      )
        delete attachment.path;
    }
  }
  for (const item of Object.values(value)) cleanAttachments(item);
}

/**
 * The report's data as it is kept: from the zip the html reporter embedded, only the JSON
 * entries the report app reads (report.json and one per spec file), each parsed, redacted
 * and written anew; undefined when it is not such a zip or has no report.json.
 */
export function cleanReportZip(zip: Uint8Array, redact: Redact, limits: ZipLimits): Uint8Array | undefined {
  const entries = readZip(zip, limits);
  if (!entries) return undefined;
  const kept: Record<string, Uint8Array> = {};
  for (const [name, data] of Object.entries(entries)) {
    if (!REPORT_ENTRY_NAME.test(name)) continue;
    try {
      const parsed = JSON.parse(Buffer.from(data).toString('utf8')) as unknown;
      const redacted = redactJson(parsed, redact);
      cleanAttachments(redacted);
      kept[name] = Buffer.from(JSON.stringify(redacted));
    } catch {
      // Not JSON (or nested past what can be walked): not something the report app could show.
    }
  }
  return kept['report.json'] ? writeZip(kept) : undefined;
}
