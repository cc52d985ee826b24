const policy = (directives: string[]) => directives.join('; ');

/**
 * The dashboard's Content-Security-Policy. Scripts only from this origin, no inline script
 * and no eval: whatever a run name, a step error or a scraped page holds, it cannot run
 * here even if it reached the markup (the pages render it as text anyway). Styles only from
 * the built stylesheet (the page sets sizes through the CSSOM, which the policy allows).
 * Screenshots are this origin's; nothing is fetched from another origin; nothing frames the
 * dashboard (clickjacking).
 */
export const WEB_PAGE_POLICY = policy([
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "media-src 'self'",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
]);

export const webHeaders = (immutable: boolean): Record<string, string> => ({
  'Content-Security-Policy': WEB_PAGE_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'same-origin',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  // Built assets carry their content hash in their name; the page itself is asked for again.
  'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
});
