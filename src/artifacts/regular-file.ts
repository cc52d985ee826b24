import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

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
