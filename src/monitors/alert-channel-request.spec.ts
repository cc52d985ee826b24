import { checkRequest } from '../validation/parse-request';
import { createAlertChannelRequestSchema } from './alert-channel-request';
import { targetOf } from './alert-channel-view';

describe('alert channel requests', () => {
  const parse = (body: unknown) => checkRequest(createAlertChannelRequestSchema, body);

  it('stores each type in its config shape', () => {
    expect(parse({ name: ' mail ', type: 'email', to: 'a@example.com' }).data).toEqual({
      name: 'mail',
      type: 'email',
      config: { to: ['a@example.com'] },
    });
    expect(parse({ name: 'h', type: 'webhook', url: 'https://h.example.com/x' }).data?.config).toEqual({
      url: 'https://h.example.com/x',
    });
    expect(parse({ name: 'p', type: 'pagerduty', routingKey: 'abcdefgh1234' }).data?.config).toEqual({
      routingKey: 'abcdefgh1234',
    });
  });

  it.each([
    [{ name: 'x', type: 'sms' }, 'type must be one of email, webhook, slack, pagerduty (got "sms")'],
    [{ name: 'x', type: 'slack' }, 'url is required for a slack channel'],
    [{ name: 'x', type: 'email' }, 'to is required for an email channel'],
    [{ name: 'x', type: 'email', to: ['nope'] }, 'to[0] must be an email address'],
    [{ name: 'x', type: 'pagerduty', routingKey: 'k' }, 'routingKey must be 8 to 128 letters'],
    [
      { name: 'x', type: 'slack', url: 'https://s.example.com', routingKey: 'abcdefgh1' },
      'routingKey is not a field of a slack channel',
    ],
  ])('refuses %j', (body, message) => {
    expect(parse(body).errors.join('\n')).toContain(message);
  });

  it('masks what would let anyone post to a channel', () => {
    expect(targetOf('slack', { url: 'https://hooks.slack.com/services/T1/B2/secret' })).toBe(
      'https://hooks.slack.com/…',
    );
    expect(targetOf('pagerduty', { url: undefined as never, routingKey: 'R0UTINGKEY0123456789abcd' })).toBe(
      'routing key …abcd',
    );
    expect(targetOf('pagerduty', { url: undefined as never, routingKey: 'shortkey' })).toBe('routing key …');
    expect(targetOf('webhook', { url: 'https://h.example.com/x?y=1' })).toBe('https://h.example.com/x?y=1');
    expect(targetOf('email', { to: ['a@example.com', 'b@example.com'] })).toBe('a@example.com, b@example.com');
  });
});
