/** What an SMTP or connection error means for a retry. */
export interface MailFailure {
  permanent: boolean;
  reason: string;
}

/**
 * SMTP 5xx (a rejected recipient, a refused message) is final; 4xx (greylisting, a full
 * mailbox, "try later") and connection errors are worth another attempt.
 */
export function classifyMailError(error: unknown): MailFailure {
  const e = error as { responseCode?: number; response?: string; code?: string; message?: string };
  const reason = (e.response ?? e.message ?? String(error)).trim();
  if (typeof e.responseCode === 'number') return { permanent: e.responseCode >= 500, reason };
  return { permanent: false, reason: e.code ? `${e.code}: ${reason}` : reason };
}
