import { existsSync } from 'node:fs';

/**
 * Nowhere for Chromium's own services to call: port 9 (discard) is on Chromium's list of
 * unsafe ports, so a request there fails inside the browser, before any proxy or socket.
 */
const NOWHERE = 'http://127.0.0.1:9';

/**
 * Launch flags that turn off Chromium's own background traffic, on top of the ones
 * Playwright already passes (--disable-background-networking, --disable-component-update,
 * --disable-field-trial-config (variations), --no-first-run, and a --disable-features list
 * with OptimizationHints, NetworkTimeServiceQuerying, PreconnectToSearch...; we add no
 * --disable-features of our own, which would replace Playwright's). Debian's Chromium
 * still calls update.googleapis.com (component updater) and accounts.google.com (sign-in)
 * with those, so their service URLs point nowhere. Whatever is left goes to the
 * browser-wide proxy, which refuses it all: none of it reaches a run.
 */
export const CHROMIUM_QUIET_FLAGS: readonly string[] = [
  '--disable-sync',
  '--disable-client-side-phishing-detection',
  '--safebrowsing-disable-auto-update',
  '--disable-domain-reliability',
  '--no-pings',
  '--no-service-autorun',
  // Sign-in, Google APIs and OAuth (accounts.google.com, www.googleapis.com).
  `--gaia-url=${NOWHERE}`,
  `--google-apis-url=${NOWHERE}`,
  `--lso-url=${NOWHERE}`,
  `--google-base-url=${NOWHERE}`,
  // Component updater (update.googleapis.com) and the variations seed.
  `--component-updater=url-source=${NOWHERE}`,
  `--variations-server-url=${NOWHERE}`,
];

/**
 * Every flag a worker's Chromium starts with. Each context gets its own proxy; what is
 * left to the browser-wide setting (`ownRequestsProxy`) is Chromium's own traffic,
 * loopback included, and that proxy refuses it all.
 */
export const chromiumLaunchArgs = (ownRequestsProxy: string): string[] => [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-quic',
  ...CHROMIUM_QUIET_FLAGS,
  `--proxy-server=${ownRequestsProxy}`,
  '--proxy-bypass-list=<-loopback>',
];

/** CHROMIUM_PATH, else the system's Chromium, else Playwright's own (if installed). */
export function chromiumExecutable(configured: string): string | undefined {
  if (configured) return configured;
  return ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => existsSync(p));
}
