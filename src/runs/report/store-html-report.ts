import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { cleanReportZip } from './report-data';
import { REPORT_DATA_NAME, reportDataDirectory, reportDirectory, reportZipPath } from './report-layout';
import { isText, redactText, redactZip, type Redact } from './redact-content';
import { isRealDirectory, openRegularFile, readOpened, readRegularFile } from './untrusted-file';

const MiB = 1024 * 1024;

/**
 * Bounds on what is read from the sandbox's report folder. A trace above `redactBytes` on
 * disk (or declaring more than `redactUncompressedBytes` inside) is kept as it was written,
 * not redacted: redacting means holding it whole in memory, and a worker runs several runs
 * at once. The names of such files come back in `notRedacted` for the worker to log.
 */
export interface ReportLimits {
  /** index.html: the report app and its data as base64. */
  indexHtmlBytes: number;
  /** The report data inside it, uncompressed. */
  reportUncompressedBytes: number;
  /** An attachment above this is not kept at all. */
  dataFileBytes: number;
  /** At most this many attachments are kept. */
  dataFiles: number;
  /** A text or zip attachment is redacted up to this size; above it, kept as written. */
  redactBytes: number;
  /** ...and a zip only if it declares at most this much inside. */
  redactUncompressedBytes: number;
}

export const REPORT_LIMITS: ReportLimits = {
  indexHtmlBytes: 64 * MiB,
  reportUncompressedBytes: 256 * MiB,
  dataFileBytes: 1024 * MiB,
  dataFiles: 10_000,
  redactBytes: 64 * MiB,
  redactUncompressedBytes: 256 * MiB,
};

export interface StoredReport {
  /** Files written under report/ (report.zip and the attachments). */
  files: number;
  bytes: number;
  /** Attachments kept without redaction, being over the limits (see ReportLimits). */
  notRedacted: string[];
}

const TEMPLATE_START = '<template id="playwrightReportBase64">';
const REPORT_PAYLOAD = /^data:application\/zip;base64,([A-Za-z0-9+/=]*)$/;
/** Shown as they are (they cannot be redacted), and copied without being read into memory. */
const MEDIA = new Set(['.png', '.jpg', '.jpeg', '.gif', '.webp', '.webm', '.mp4']);

/**
 * The base64 payload of the report's data in the html reporter's index.html: the last
 * `<template id="playwrightReportBase64">`, which the reporter appends. Only that payload
 * is taken, never the page: the test's code could have replaced any of it.
 */
function reportPayload(html: string): string | undefined {
  const start = html.lastIndexOf(TEMPLATE_START);
  if (start < 0) return undefined;
  const end = html.indexOf('</template>', start);
  if (end < 0) return undefined;
  return REPORT_PAYLOAD.exec(html.slice(start + TEMPLATE_START.length, end))?.[1];
}

/**
 * Stores the Playwright HTML report that a script run's sandbox wrote in `fromDir`, for the
 * API to serve (src/runs/report/run-report.controller.ts), under `runDir/report/`:
 * - report.zip: the report's data from index.html's template (only the JSON the report app
 *   reads, every string redacted); the app itself is never kept, the API serves its own copy;
 * - data/: the attachments, only regular files named as the reporter names them, text
 *   redacted, traces' text entries redacted (up to the limits).
 * Everything else the sandbox wrote (its trace/ copy, other files, symlinks) is ignored.
 * Call it once the sandbox's processes are gone, so nothing changes what was checked.
 * Undefined when there is no report to store.
 */
export async function storeHtmlReport(
  fromDir: string,
  runDir: string,
  redact: Redact,
  limits: ReportLimits = REPORT_LIMITS,
): Promise<StoredReport | undefined> {
  const html = await readRegularFile(join(fromDir, 'index.html'), limits.indexHtmlBytes);
  const payload = html && reportPayload(html.toString('utf8'));
  if (payload === undefined) return undefined;
  const zipLimits = { maxEntries: 100_000, maxUncompressedBytes: limits.reportUncompressedBytes };
  const reportZip = cleanReportZip(Buffer.from(payload, 'base64'), redact, zipLimits);
  if (!reportZip) return undefined;

  // Anew each time: nothing of an earlier attempt's folder (or anything put in its place) is reused.
  await rm(reportDirectory(runDir), { recursive: true, force: true });
  await mkdir(reportDataDirectory(runDir), { recursive: true });
  await writeFile(reportZipPath(runDir), reportZip, { flag: 'wx' });
  const stored: StoredReport = { files: 1, bytes: reportZip.length, notRedacted: [] };
  await storeAttachments(join(fromDir, 'data'), reportDataDirectory(runDir), redact, limits, stored);
  return stored;
}

async function storeAttachments(
  fromDir: string,
  toDir: string,
  redact: Redact,
  limits: ReportLimits,
  stored: StoredReport,
): Promise<void> {
  // A data/ that is a symlink could lead to another run's attachments, named just like these.
  if (!(await isRealDirectory(fromDir))) return;
  const names = (await readdir(fromDir)).filter((name) => REPORT_DATA_NAME.test(name)).slice(0, limits.dataFiles);
  for (const name of names) {
    const file = await openRegularFile(join(fromDir, name));
    if (!file) continue;
    const target = join(toDir, name);
    try {
      if (file.size > limits.dataFileBytes) continue;
      const extension = extname(name).toLowerCase();
      if (file.size > 0 && (MEDIA.has(extension) || file.size > limits.redactBytes)) {
        if (!MEDIA.has(extension)) stored.notRedacted.push(name);
        // Streamed (a video may be large), up to the size fstat gave.
        const source = file.handle.createReadStream({ start: 0, end: file.size - 1, autoClose: false });
        await pipeline(source, createWriteStream(target, { flags: 'wx' }));
        stored.bytes += file.size;
      } else {
        const kept = redactAttachment(name, await readOpened(file), redact, limits, stored);
        await writeFile(target, kept, { flag: 'wx' });
        stored.bytes += kept.length;
      }
      stored.files += 1;
    } finally {
      await file.handle.close();
    }
  }
}

/** A zip (a trace) with its text entries redacted, a text file redacted, anything else as it is. */
function redactAttachment(
  name: string,
  bytes: Buffer,
  redact: Redact,
  limits: ReportLimits,
  stored: StoredReport,
): Uint8Array {
  if (extname(name).toLowerCase() === '.zip') {
    const zip = redactZip(bytes, redact, { maxEntries: 100_000, maxUncompressedBytes: limits.redactUncompressedBytes });
    if (zip) return zip;
    // Not a zip fflate reads within the limits: kept as it is if it is not text either.
    if (!isText(bytes)) stored.notRedacted.push(name);
  }
  return isText(bytes) ? Buffer.from(redactText(bytes.toString('utf8'), redact)) : bytes;
}

/** Bounds the JUnit XML file read from the sandbox. */
export const JUNIT_MAX_BYTES = 16 * MiB;

/**
 * Stores the JUnit XML file a script run's sandbox wrote at `fromFile` as `runDir/junit.xml`,
 * redacted, if it is a regular file (not a symlink) of at most JUNIT_MAX_BYTES. Undefined
 * when there is none. Secrets are matched as the text holds them: one holding a character
 * XML escapes (&, <, >, quotes) is found only where the XML does not escape it.
 */
export async function storeJunitReport(
  fromFile: string,
  runDir: string,
  redact: Redact,
): Promise<{ bytes: number } | undefined> {
  const bytes = await readRegularFile(fromFile, JUNIT_MAX_BYTES);
  if (!bytes) return undefined;
  const redacted = Buffer.from(redact(bytes.toString('utf8')));
  const target = join(runDir, 'junit.xml');
  await mkdir(runDir, { recursive: true });
  await rm(target, { force: true });
  await writeFile(target, redacted, { flag: 'wx' });
  return { bytes: redacted.length };
}
