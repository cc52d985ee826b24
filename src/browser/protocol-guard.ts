/**
 * What a script run's test code may ask of the worker's browser, checked on every message
 * of Playwright's protocol before it reaches the browser server. The server runs in the
 * worker's process, with the worker's files and network: anything that names a path on
 * the server, starts another browser, opens a raw CDP session or reaches the network
 * around the egress guard is refused; every new context is forced through the run's
 * egress proxy.
 */

export interface ProtocolMessage {
  /** A call's id: a number in older Playwright, a string (`"rnxz@8"`) since 1.5x. */
  id?: MessageId;
  guid?: string;
  method?: string;
  params?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface GuardContext {
  /** The run's egress proxy: every context and API request context of the run goes through it. */
  proxyServer: string;
  /** Where the server may write the run's videos (a folder of the worker, not the sandbox's). */
  videoDir: string;
}

export type MessageId = number | string;

export type GuardVerdict = { forward: ProtocolMessage } | { refuse: string };

/** Methods that start or reach another browser, act on server-side paths, or bypass Playwright for raw CDP. */
const REFUSED_METHODS: Record<string, string> = {
  launch: 'launching a browser',
  launchPersistentContext: 'launching a browser',
  launchServer: 'launching a browser',
  connect: 'connecting to another browser',
  connectOverCDP: 'connecting to another browser',
  newBrowserCDPSession: 'raw CDP sessions',
  newCDPSession: 'raw CDP sessions',
  saveAs: "saving an artifact on the worker's disk (use saveAs from the test: it streams)",
  harOpen: "reading HAR files from the worker's disk",
  harUnzip: "writing HAR files on the worker's disk",
  harLookup: "reading HAR files from the worker's disk",
  zip: "writing zip files on the worker's disk",
  tracingStarted: "trace folders on the worker's disk",
  killForTests: 'killing the browser',
};

/**
 * Object types (a guid's part before '@', or the whole guid of a singleton such as
 * `localUtils`) that have no business in a browser test here: the server's LocalUtils
 * reads and writes the worker's disk (zip, HAR) and opens connections of its own.
 */
const REFUSED_OBJECTS = ['android', 'electron', 'localUtils', 'DebugController'];

/** Where a page may be sent by goto: the web (through the egress guard) and pages that read nothing. */
const NAVIGABLE = new Set(['http:', 'https:', 'about:', 'data:']);

const CONTEXT_CREATORS = new Set(['newContext', 'newContextForReuse', 'newPersistentContext']);

export function guardMessage(message: ProtocolMessage, context: GuardContext): GuardVerdict {
  const { method, guid = '' } = message;
  if (typeof method !== 'string') return { forward: message };
  const type = guid.split('@')[0];
  if (REFUSED_OBJECTS.includes(type)) return { refuse: `${type} is not available in script runs` };
  if (Object.hasOwn(REFUSED_METHODS, method))
    return { refuse: `${method} is not available in script runs (${REFUSED_METHODS[method]})` };
  if (method === 'close' && type === 'browser') return { refuse: 'the shared browser cannot be closed by a test' };
  const params = { ...(message.params ?? {}) };

  if (CONTEXT_CREATORS.has(method)) {
    if (params.recordHar !== undefined) return { refuse: 'recordHar is not available in script runs' };
    params.proxy = { server: context.proxyServer };
    if (isRecord(params.recordVideo)) params.recordVideo = { ...params.recordVideo, dir: context.videoDir };
    return { forward: { ...message, params } };
  }
  if (method === 'newRequest') {
    params.proxy = { server: context.proxyServer };
    return { forward: { ...message, params } };
  }
  if (method === 'goto' && typeof params.url === 'string') {
    let protocol: string;
    try {
      protocol = new URL(params.url).protocol;
    } catch {
      return { forward: message }; // Playwright itself answers a malformed URL
    }
    if (!NAVIGABLE.has(protocol))
      return { refuse: `${protocol} URLs cannot be opened in script runs (only http, https, about and data)` };
  }
  if (params.localPaths !== undefined || params.localDirectory !== undefined)
    return { refuse: "files on the worker's disk cannot be uploaded (pass the file from the test: it is streamed)" };
  return { forward: message };
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Whether a message is a call (it carries an id the client waits on an answer for). */
export const isCallId = (id: unknown): id is MessageId =>
  (typeof id === 'number' && Number.isFinite(id)) || (typeof id === 'string' && id.length > 0);

/** The protocol's answer to a refused call: the test sees it as the call's error. */
export function refusal(id: MessageId, reason: string): string {
  return JSON.stringify({ id, error: { error: { message: `Stevedore: ${reason}`, name: 'Error', stack: '' } } });
}
