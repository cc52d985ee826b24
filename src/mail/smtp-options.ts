import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import type SMTPPool from 'nodemailer/lib/smtp-pool';
import type { Env } from '../config/env.schema';

type SmtpEnv = Pick<
  Env,
  | 'MAIL_HOST'
  | 'MAIL_PORT'
  | 'MAIL_USER'
  | 'MAIL_PASSWORD'
  | 'MAIL_TIMEOUT_MS'
  | 'MAIL_ALLOW_INSECURE_AUTH'
  | 'MAIL_TLS_CA_FILE'
>;

/** Port 465 is SMTP over TLS from the first byte (RFC 8314); every other port starts in the clear. */
export const isImplicitTls = (env: Pick<Env, 'MAIL_PORT'>): boolean => env.MAIL_PORT === 465;

/**
 * Whether the password could go out unencrypted: credentials are set and the operator
 * allowed a plaintext session (MAIL_ALLOW_INSECURE_AUTH) on a port without implicit TLS.
 */
export const allowsCleartextPassword = (env: SmtpEnv): boolean =>
  Boolean(env.MAIL_HOST && env.MAIL_USER && env.MAIL_ALLOW_INSECURE_AUTH && !isImplicitTls(env));

/**
 * STARTTLS is required (not merely used when offered) whenever credentials are configured,
 * so a server that does not offer it, or a man in the middle that strips it from the EHLO
 * reply, ends the session before AUTH instead of getting the password in the clear.
 */
export const requiresStartTls = (env: SmtpEnv): boolean =>
  Boolean(env.MAIL_USER) && !isImplicitTls(env) && !env.MAIL_ALLOW_INSECURE_AUTH;

/** nodemailer's pooled SMTP options for this configuration. */
export function smtpOptions(env: SmtpEnv): SMTPPool.Options {
  return {
    pool: true,
    host: env.MAIL_HOST,
    port: env.MAIL_PORT,
    secure: isImplicitTls(env),
    requireTLS: requiresStartTls(env),
    auth: env.MAIL_USER ? { user: env.MAIL_USER, pass: env.MAIL_PASSWORD } : undefined,
    // A private CA is trusted in addition to the public ones, not instead of them.
    tls: env.MAIL_TLS_CA_FILE ? { ca: [...rootCertificates, readFileSync(env.MAIL_TLS_CA_FILE, 'utf8')] } : undefined,
    // Each attempt is bounded: a server that stops answering fails it, and BullMQ retries.
    connectionTimeout: Math.min(10_000, env.MAIL_TIMEOUT_MS),
    greetingTimeout: Math.min(10_000, env.MAIL_TIMEOUT_MS),
    socketTimeout: env.MAIL_TIMEOUT_MS,
  };
}
