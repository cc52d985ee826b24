import { useEffect, useRef } from 'preact/hooks';

export interface LiveEvent {
  event: string;
  payload: Record<string, unknown>;
}

const EVENTS = [
  'run.updated',
  'run.step',
  'run.test',
  'suite.updated',
  'suite.progress',
  'suite.run',
  'scrape.updated',
  'scrape.progress',
  'scrape.page',
  'end',
  'gone',
];

/**
 * Follows jobs live over one Server-Sent Events stream (GET /api/live), authenticated by the
 * session cookie. The stream is opened again when the set of ids changes, and not at all
 * when there is nothing to follow (every job shown has ended).
 */
export function useLive(
  ids: { runs?: string[]; suites?: string[]; scrapes?: string[] },
  onEvent: (event: LiveEvent) => void,
): void {
  const handler = useRef(onEvent);
  handler.current = onEvent;
  const key = ['runs', 'suites', 'scrapes']
    .map((kind) => `${kind}=${[...(ids[kind as keyof typeof ids] ?? [])].sort().join(',')}`)
    .join('&');
  useEffect(() => {
    const params = key
      .split('&')
      .filter((part) => !part.endsWith('='))
      .join('&');
    if (!params) return;
    const source = new EventSource(`/api/live?${params}`, { withCredentials: true });
    for (const name of EVENTS) {
      source.addEventListener(name, (message) => {
        try {
          handler.current({ event: name, payload: JSON.parse((message as MessageEvent<string>).data) });
        } catch {
          // A message that is not JSON is not ours.
        }
      });
    }
    return () => source.close();
  }, [key]);
}
