import { resolve } from 'node:path';

/** Where a run's files live: ARTIFACTS_DIR/runs/<run id>/ (for the local store, and as a worker's staging folder). */
export const runDirectory = (artifactsDir: string, runId: string) => resolve(artifactsDir, 'runs', runId);

/** The artifact store's key prefix of a run's files (`runs/<run id>/`), the same path as its folder. */
export const runKeyPrefix = (runId: string) => `runs/${runId}/`;
/** The key of a run's file, `name` relative to its folder (`video.webm`, `report/report.zip`). */
export const runKey = (runId: string, name: string) => `${runKeyPrefix(runId)}${name}`;

export const ARTIFACT_FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,119}$/;

export const CONTENT_TYPES: Record<string, string> = {
  png: 'image/png',
  zip: 'application/zip',
  webm: 'video/webm',
  xml: 'application/xml',
};

/** Shown in the browser: screenshots, videos, traces. Anything else (a script run's junit.xml) is a download. */
const SHOWN = new Set(['png', 'zip', 'webm']);

export const dispositionOf = (name: string) =>
  `${SHOWN.has(name.split('.').pop() ?? '') ? 'inline' : 'attachment'}; filename="${name}"`;

export const contentTypeOf = (name: string) => CONTENT_TYPES[name.split('.').pop() ?? ''] ?? 'application/octet-stream';
