import { join } from 'node:path';

/**
 * Where a script run's Playwright HTML report is kept, under its run folder: only data,
 * never the report app as the sandbox wrote it.
 *   report/report.zip   the report's data (report.json and one JSON per spec file), redacted
 *   report/data/<sha1>.<ext>   its attachments: screenshots, traces, videos, error contexts
 */
export const reportDirectory = (runDir: string) => join(runDir, 'report');
/** The same places as artifact names relative to the run's folder (store keys under `runs/<id>/`). */
export const REPORT_ZIP = 'report/report.zip';
export const REPORT_DATA_FOLDER = 'report/data';
export const reportZipPath = (runDir: string) => join(reportDirectory(runDir), 'report.zip');
export const reportDataDirectory = (runDir: string) => join(reportDirectory(runDir), 'data');

/** The only names the html reporter gives attachments (a SHA-1 and the file's extension); nothing else is kept or served. */
export const REPORT_DATA_NAME = /^[0-9a-f]{40}(\.[A-Za-z0-9]{1,16})?$/;

/** A report zip's entries: report.json and `<fileId>.json`; anything else in it is dropped. */
export const REPORT_ENTRY_NAME = /^[A-Za-z0-9_-]{1,100}\.json$/;
