import { MailConfigError } from '../../mail/mail-config-error';

/** What an SMTP or connection error means for a retry. */
export interface MailFailure {
  permanent: boolean;
  reason: string;
}

/**
 * SMTP 5xx (a rejected recipient, a refused message) and a configuration error are final;
 * 4xx (greylisting, a full mailbox, "try later") and connection errors are worth another attempt.
 */
export function classifyMailError(error: unknown): MailFailure {
  // A configuration problem (TLS required but not offered) fails the same way until it is fixed.
  if (error instanceof MailConfigError) return { permanent: true, reason: error.message };
  const e = error as { responseCode?: number; response?: string; code?: string; message?: string };
  const reason = (e.response ?? e.message ?? String(error)).trim();
  if (typeof e.responseCode === 'number') return { permanent: e.responseCode >= 500, reason };
  return { permanent: false, reason: e.code ? `${e.code}: ${reason}` : reason };
}
