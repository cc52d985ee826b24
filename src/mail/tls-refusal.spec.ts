import { classifyMailError } from '../emails/worker/mail-error';
import { MailConfigError } from './mail-config-error';
import { tlsRefusal } from './tls-refusal';

describe('tlsRefusal', () => {
  it('turns a 5xx answer to STARTTLS into a configuration error that says the password was not sent', () => {
    const error = tlsRefusal(
      { code: 'ETLS', command: 'STARTTLS', responseCode: 500, response: '500 Error: command not recognized' },
      'smtp.example.com:587',
    );
    expect(error).toBeInstanceOf(MailConfigError);
    expect(error?.message).toContain(
      'smtp.example.com:587 does not offer STARTTLS (it answered "500 Error: command not recognized")',
    );
    expect(error?.message).toContain('the password was not sent');
    expect(error?.message).toContain('MAIL_ALLOW_INSECURE_AUTH=true');
    expect(classifyMailError(error)).toEqual({ permanent: true, reason: error!.message });
  });

  it('leaves a temporary refusal and a failed handshake to be retried', () => {
    expect(
      tlsRefusal({ code: 'ETLS', command: 'STARTTLS', responseCode: 454, response: '454 TLS not available' }, 'h:587'),
    ).toBeUndefined();
    expect(tlsRefusal({ code: 'ETLS', command: 'STARTTLS', response: undefined }, 'h:587')).toBeUndefined();
    expect(tlsRefusal({ code: 'EENVELOPE', command: 'RCPT TO', responseCode: 550 }, 'h:587')).toBeUndefined();
  });
});
