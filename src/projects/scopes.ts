/**
 * What a key may do. Each scope includes the ones before it: `read` sees the project's
 * work; `trigger` also creates and cancels work (runs, suites, scrapes, emails, users,
 * replays); `admin` also manages keys, secrets, schedules and the project's settings.
 */
export const SCOPES = ['read', 'trigger', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** Whether a key holding `held` may do what needs `needed`. */
export function grants(held: readonly Scope[], needed: Scope): boolean {
  const rank = SCOPES.indexOf(needed);
  return held.some((scope) => SCOPES.indexOf(scope) >= rank);
}
