/**
 * Aborts `stop` (with the same reason) when the job's `signal` aborts, including when it
 * already has: a cancel that came while the job was being claimed fired its event before
 * anyone listened. Returns the undo.
 */
export function followAbort(signal: AbortSignal, stop: AbortController): () => void {
  const onAbort = () => stop.abort(signal.reason);
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  return () => signal.removeEventListener('abort', onAbort);
}
