import { AddressPolicy, isPrivateAddress } from './address-policy';

describe('isPrivateAddress', () => {
  it.each(['127.0.0.1', '10.1.2.3', '172.16.5.4', '192.168.1.1', '169.254.169.254', '0.0.0.0', '::1', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1', '100.64.0.1'])(
    'refuses %s',
    (address) => expect(isPrivateAddress(address)).toBe(true),
  );
  it.each(['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111', '172.32.0.1'])('allows %s', (address) => expect(isPrivateAddress(address)).toBe(false));
});

describe('AddressPolicy', () => {
  const policy = new AddressPolicy(['127.0.0.1']);

  it('refuses other schemes', async () => {
    expect(await policy.check('file:///etc/passwd')).toEqual({ allowed: false, reason: 'only http and https are allowed, not file:' });
  });

  it('allows a listed private host and refuses an unlisted one that resolves to loopback', async () => {
    expect(await policy.check('http://127.0.0.1:4000/x')).toEqual({ allowed: true });
    const verdict = await policy.check('http://localhost:4000/x');
    expect(verdict.allowed).toBe(false);
    expect(verdict).toMatchObject({ reason: expect.stringContaining('private address') });
  });

  it('refuses the cloud metadata address', async () => {
    expect((await policy.check('http://169.254.169.254/latest/meta-data')).allowed).toBe(false);
  });
});
