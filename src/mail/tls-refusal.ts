import { MailConfigError } from './mail-config-error';

interface SmtpError {
  code?: string;
  command?: string;
  response?: string;
  responseCode?: number;
}

/**
 * With STARTTLS required, a server that answers STARTTLS with 5xx (it does not have it,
 * whether or not it offered it) is a configuration problem, said as such: the password was
 * not sent. A 454 ("TLS not available, try later") and a failed handshake (no reply: a
 * certificate that is not trusted, a dropped connection) stay ordinary, retried failures.
 */
export function tlsRefusal(error: unknown, server: string): MailConfigError | undefined {
  const e = (error ?? {}) as SmtpError;
  if (e.code !== 'ETLS' || e.command !== 'STARTTLS') return undefined;
  if (typeof e.responseCode !== 'number' || e.responseCode < 500) return undefined;
  const reply = e.response ? ` (it answered "${e.response.trim().slice(0, 200)}")` : '';
  return new MailConfigError(
    `TLS required: MAIL_USER is set, and ${server} does not offer STARTTLS${reply}, so the password was not sent. ` +
      'Use port 465 or a server with STARTTLS, or set MAIL_ALLOW_INSECURE_AUTH=true to send it unencrypted',
  );
}
