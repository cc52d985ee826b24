/**
 * A send that cannot succeed until the operator changes the configuration (for example a
 * server without STARTTLS while credentials require TLS): retrying it would only repeat it.
 */
export class MailConfigError extends Error {
  override readonly name = 'MailConfigError';
}
