import type * as Undici from 'undici';

let loaded: typeof Undici | undefined;

/**
 * undici, loaded on first use: over a hundred modules, and the API needs it only when an
 * alert channel is tested (the workers, for webhooks and every scraped page, load it at once).
 */
export function undici(): typeof Undici {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (loaded ??= require('undici') as typeof Undici);
}
