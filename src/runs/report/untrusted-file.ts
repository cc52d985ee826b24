import { constants } from 'node:fs';
import { lstat, open, type FileHandle } from 'node:fs/promises';

/**
 * Opens a file that untrusted code may have written (or replaced) for reading, only if it is
 * a regular file: never through a symlink (O_NOFOLLOW refuses one as the last component),
 * never blocking on a FIFO left in its place (O_NONBLOCK), and checked again on the open
 * descriptor (fstat), so what is read is what was checked. Undefined when the path does not
 * exist or is anything else.
 */
export async function openRegularFile(path: string): Promise<{ handle: FileHandle; size: number } | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    // ENOENT: nothing there; ELOOP: a symlink; EACCES and the rest: not ours to read.
    if (typeof (error as NodeJS.ErrnoException).code === 'string') return undefined;
    throw error;
  }
  const stats = await handle.stat();
  if (!stats.isFile()) {
    await handle.close();
    return undefined;
  }
  return { handle, size: stats.size };
}

/** The bytes of an opened file up to the size fstat gave: a file that grows meanwhile cannot take more memory than was checked. */
export async function readOpened(file: { handle: FileHandle; size: number }): Promise<Buffer> {
  const bytes = Buffer.alloc(file.size);
  let read = 0;
  while (read < bytes.length) {
    const { bytesRead } = await file.handle.read(bytes, read, bytes.length - read, read);
    if (bytesRead === 0) break;
    read += bytesRead;
  }
  return bytes.subarray(0, read);
}

/** The whole of a regular file (see openRegularFile) of at most `maxBytes`; undefined otherwise. */
export async function readRegularFile(path: string, maxBytes: number): Promise<Buffer | undefined> {
  const file = await openRegularFile(path);
  if (!file) return undefined;
  try {
    return file.size > maxBytes ? undefined : await readOpened(file);
  } finally {
    await file.handle.close();
  }
}

/** Whether `path` is a directory itself, not a symlink to one (which could lead to another run's files). */
export async function isRealDirectory(path: string): Promise<boolean> {
  try {
    return (await lstat(path)).isDirectory();
  } catch {
    return false;
  }
}
