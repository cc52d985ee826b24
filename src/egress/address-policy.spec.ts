import { AddressPolicy, isPrivateAddress } from './address-policy';

describe('isPrivateAddress', () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.16.5.4',
    '192.168.1.1',
    '169.254.169.254',
    '0.0.0.0',
    '::1',
    'fe80::1',
    'fd00::1',
    '::ffff:127.0.0.1',
    '100.64.0.1',
    '64:ff9b::a9fe:a9fe',
    '2002:7f00:1::',
  ])('refuses %s', (address) => expect(isPrivateAddress(address)).toBe(true));
  it.each(['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111', '172.32.0.1'])('allows %s', (address) =>
    expect(isPrivateAddress(address)).toBe(false),
  );
});

describe('AddressPolicy', () => {
  const policy = new AddressPolicy(['127.0.0.1', '0:0:0:0:0:0:0:1']);

  it('refuses other schemes', async () => {
    expect(await policy.check('file:///etc/passwd')).toEqual({
      allowed: false,
      reason: 'only http and https are allowed, not file:',
    });
  });

  it('allows a listed private host and refuses an unlisted one that resolves to loopback, naming the address and its range', async () => {
    expect(await policy.check('http://127.0.0.1:4000/x')).toEqual({ allowed: true });
    expect(await policy.check('http://localhost:4000/x')).toEqual({
      allowed: false,
      reason: expect.stringMatching(
        /^localhost resolves to (127\.0\.0\.1|::1), which is not a public address \(loopback, .*\); list it in ALLOWED_PRIVATE_HOSTS to allow it$/,
      ),
    });
  });

  it('matches a listed IPv6 host however it is written', async () => {
    expect(await policy.check('http://[::1]:4000/')).toEqual({ allowed: true });
    expect(await policy.resolve('[0:0::1]')).toEqual({ allowed: true, address: '::1' });
  });

  it('refuses the cloud metadata address, naming its range', async () => {
    expect(await policy.check('http://169.254.169.254/latest/meta-data')).toEqual({
      allowed: false,
      reason:
        '169.254.169.254 is not a public address (link-local (cloud metadata), 169.254.0.0/16, RFC 3927); list it in ALLOWED_PRIVATE_HOSTS to allow it',
    });
  });

  // WHATWG URL turns these spellings into dotted or compressed form before the check;
  // resolve() sees the rest through getaddrinfo, which answers in canonical form.
  it.each([
    'http://0177.0.0.1/',
    'http://2130706433/',
    'http://0x7f.1/',
    'http://127.1/',
    'http://[0:0:0:0:0:ffff:7f00:1]/',
    'http://[::FFFF:127.0.0.2]/',
    'http://[64:ff9b::a9fe:a9fe]/',
    'http://[64:ff9b::169.254.169.254]/',
    'http://[2002:7f00:1::]/',
    'http://[2001::1]/',
    'http://[fec0::1]/',
  ])('refuses %s', async (url) => {
    expect(await new AddressPolicy([]).check(url)).toEqual({
      allowed: false,
      reason: expect.stringContaining('is not a public address'),
    });
  });

  it('refuses hosts that getaddrinfo reads as numbers', async () => {
    for (const host of ['0177.0.0.1', '2130706433', '0x7f000001']) {
      expect(await new AddressPolicy([]).resolve(host)).toEqual({
        allowed: false,
        reason: expect.stringMatching(/resolves to 127\.0\.0\.1, which is not a public address \(loopback/),
      });
    }
  });
});
