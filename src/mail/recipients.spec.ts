import { formatMailbox, parseRecipients, toMailbox } from './recipients';

const parse = (value: unknown, max = 50) => parseRecipients('to', value, max);

describe('parseRecipients', () => {
  it('takes a bare address, alone or in a list', () => {
    expect(parse('ada@example.com')).toEqual({ mailboxes: [{ name: '', address: 'ada@example.com' }], errors: [] });
    expect(parse(['ada@example.com', 'bob@example.com']).mailboxes.map((m) => m.address)).toEqual([
      'ada@example.com',
      'bob@example.com',
    ]);
  });

  it('takes a display name', () => {
    expect(parse('Ada Lovelace <ada@example.com>').mailboxes).toEqual([
      { name: 'Ada Lovelace', address: 'ada@example.com' },
    ]);
    expect(parse(['Ada <ada@example.com>', 'bob@example.com']).mailboxes).toEqual([
      { name: 'Ada', address: 'ada@example.com' },
      { name: '', address: 'bob@example.com' },
    ]);
  });

  it('reads a list in one string, with a quoted name that holds a comma', () => {
    expect(parse('"Lovelace, Ada" <ada@example.com>, Bob <bob@example.com>').mailboxes).toEqual([
      { name: 'Lovelace, Ada', address: 'ada@example.com' },
      { name: 'Bob', address: 'bob@example.com' },
    ]);
  });

  it('keeps non-ASCII names', () => {
    expect(parse('Jörg Müller <jorg@example.com>').mailboxes).toEqual([
      { name: 'Jörg Müller', address: 'jorg@example.com' },
    ]);
  });

  it('checks the address part, naming the position', () => {
    expect(parse(['ada@example.com', 'Ada <nope>']).errors).toEqual([
      'to[1] must be an email address or "Name <address>" ("nope" is not an address)',
    ]);
    expect(parse(['nobody']).errors).toEqual([
      'to[0] must be an email address or "Name <address>" ("nobody" is not an address)',
    ]);
    expect(parse('Ada <ada@example.com>, junk').errors).toEqual([
      'to must be an email address or "Name <address>" ("junk" is not an address)',
    ]);
  });

  it('refuses header injection, groups, empty strings and non-strings', () => {
    expect(parse('Ada\r\nBcc: eve@example.com <ada@example.com>').errors).toEqual([
      'to must not contain control characters (line breaks included)',
    ]);
    expect(parse('team: a@example.com, b@example.com;').errors[0]).toMatch(/^to must list mailboxes, not a group/);
    expect(parse(['']).errors).toEqual(['to[0] must be an email address (got an empty string)']);
    expect(parse([42]).errors).toEqual(['to[0] must be an email address (a string)']);
    expect(parse({ address: 'a@example.com' }).errors).toEqual(['to must be an email address or a list of them']);
  });

  it('needs one recipient and counts the mailboxes, not the strings, against the limit', () => {
    expect(parse([]).errors).toEqual(['to must name at least one recipient']);
    expect(parse('a@example.com, b@example.com, c@example.com', 2).errors).toEqual([
      'to may name at most 2 recipients (got 3)',
    ]);
  });

  it('keeps one mailbox per address, the first with its name', () => {
    expect(parse(['Ada <ada@example.com>', 'ADA@example.com']).mailboxes).toEqual([
      { name: 'Ada', address: 'ada@example.com' },
    ]);
  });
});

describe('formatMailbox and toMailbox', () => {
  it.each([
    [{ name: '', address: 'ada@example.com' }, 'ada@example.com'],
    [{ name: 'Ada Lovelace', address: 'ada@example.com' }, 'Ada Lovelace <ada@example.com>'],
    [{ name: 'Lovelace, Ada', address: 'ada@example.com' }, '"Lovelace, Ada" <ada@example.com>'],
    [{ name: 'Ada "the first" L.', address: 'ada@example.com' }, '"Ada \\"the first\\" L." <ada@example.com>'],
    [{ name: 'Jörg Müller', address: 'jorg@example.com' }, 'Jörg Müller <jorg@example.com>'],
  ])('writes %j as %s and reads it back', (mailbox, text) => {
    expect(formatMailbox(mailbox)).toBe(text);
    expect(toMailbox(text)).toEqual(mailbox);
  });
});
