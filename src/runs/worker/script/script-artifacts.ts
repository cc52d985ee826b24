import { realpath, writeFile } from 'node:fs/promises';
import { dirname, extname, join, relative, sep } from 'node:path';
import { readRegularFile } from '../../report/untrusted-file';
import { ARTIFACT_FILE_NAME } from '../../run-files';
import type { Redact, KeptAttachment } from './script-results';

/** Largest single file kept from a script run (a long video); SCRIPT_DISK_MB bounds them all. */
const MAX_FILE_BYTES = 512 * 1024 * 1024;
/** Attachments whose text is redacted before they are stored. */
const TEXT_FILES = new Set(['.txt', '.md', '.json', '.log', '.csv', '.xml', '.html', '.htm', '.yml', '.yaml']);

export interface CopiedAttachment extends KeptAttachment {
  artifact: string;
  kind: string;
  size: number;
}

/**
 * Reads a file the sandbox wrote, once the sandbox is gone: only a regular file under
 * `root`, reached without a symbolic link anywhere on its way (the user's code could
 * have planted one pointing at the worker's files). Undefined when it is not one.
 */
export async function readSandboxFile(
  root: string,
  path: string,
  maxBytes = MAX_FILE_BYTES,
): Promise<Buffer | undefined> {
  const realRoot = await realpath(root).catch(() => undefined);
  if (!realRoot) return undefined;
  const within = relative(realRoot, path);
  if (within.startsWith('..') || within === '' || within.startsWith(sep)) return undefined;
  // The folders on the way must resolve to themselves: no link among them.
  const parent = await realpath(dirname(path)).catch(() => undefined);
  if (parent !== dirname(path)) return undefined;
  return readRegularFile(path, maxBytes);
}

/** The artifact name of a kept file: `test-<index>[-retry<n>]-<name><ext>`, unique within the run. */
export function attachmentArtifactName(attachment: KeptAttachment, taken: Set<string>): string {
  const extension = extname(attachment.path)
    .toLowerCase()
    .replace(/[^a-z0-9.]/g, '')
    .slice(0, 10);
  const base =
    attachment.name
      .replace(/[^A-Za-z0-9_.-]+/g, '-')
      .replace(/^[-.]+/, '')
      .slice(0, 60) || 'attachment';
  const stem = `test-${attachment.index}${attachment.retry ? `-retry${attachment.retry}` : ''}-${base}`;
  let name = `${stem}${extension}`;
  for (let n = 2; taken.has(name) || !ARTIFACT_FILE_NAME.test(name); n++) name = `${stem}-${n}${extension}`.slice(-119);
  taken.add(name);
  return name;
}

export const attachmentKind = (name: string, contentType: string): string =>
  name === 'screenshot' || contentType.startsWith('image/')
    ? 'screenshot'
    : name === 'trace'
      ? 'trace'
      : name === 'video' || contentType.startsWith('video/')
        ? 'video'
        : 'attachment';

/**
 * Copies the files the tests kept (screenshots, traces, videos, testInfo.attach) from
 * the work folder into the run's folder, redacting text files, and names each for the
 * user. `toHost` maps a path the runner reported to the host's.
 */
export async function copyAttachments(
  attachments: KeptAttachment[],
  outDir: string,
  toHost: (insidePath: string) => string,
  runDir: string,
  redact: Redact,
): Promise<CopiedAttachment[]> {
  const copied: CopiedAttachment[] = [];
  const taken = new Set<string>();
  for (const attachment of attachments) {
    const content = await readSandboxFile(outDir, toHost(attachment.path));
    if (!content) continue;
    const artifact = attachmentArtifactName(attachment, taken);
    const text = TEXT_FILES.has(extname(attachment.path).toLowerCase());
    const stored = text ? Buffer.from(redact(content.toString('utf8'))) : content;
    await writeFile(join(runDir, artifact), stored, { flag: 'wx' }).catch(async (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
      await writeFile(join(runDir, artifact), stored);
    });
    copied.push({
      ...attachment,
      artifact,
      kind: attachmentKind(attachment.name, attachment.contentType),
      size: stored.length,
    });
  }
  return copied;
}
