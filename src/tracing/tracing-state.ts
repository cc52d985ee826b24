/**
 * Whether this process sends traces, for code that would otherwise pay for spans no one
 * receives. Only start-tracing.ts (required by main.ts when OTEL_EXPORTER_OTLP_ENDPOINT
 * is set) turns it on; without it every helper here is a plain call.
 */
let flush: (() => Promise<void>) | undefined;

export const isTracing = (): boolean => flush !== undefined;

/** Called once the SDK is registered, with what sends the spans still buffered. */
export function markTracing(shutdown: () => Promise<void>): void {
  flush = shutdown;
}

/**
 * Sends the spans still buffered (the last job's, the shutdown's) before the process exits,
 * waiting at most `ms`: a collector that is away must not hold up a stop.
 */
export async function stopTracing(ms = 3000): Promise<void> {
  if (!flush) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    flush().catch(() => undefined),
    new Promise<void>((resolve) => (timer = setTimeout(resolve, ms))),
  ]).finally(() => clearTimeout(timer));
}
