import { resolve } from 'node:path';

/** Where a run's files live: ARTIFACTS_DIR/runs/<run id>/. */
export const runDirectory = (artifactsDir: string, runId: string) => resolve(artifactsDir, 'runs', runId);

export const ARTIFACT_FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,119}$/;

export const CONTENT_TYPES: Record<string, string> = {
  png: 'image/png',
  zip: 'application/zip',
  webm: 'video/webm',
};

export const contentTypeOf = (name: string) => CONTENT_TYPES[name.split('.').pop() ?? ''] ?? 'application/octet-stream';
