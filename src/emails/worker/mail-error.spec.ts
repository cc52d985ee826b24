import { classifyMailError } from './mail-error';

describe('classifyMailError', () => {
  it('treats SMTP 5xx as permanent with the server reason', () => {
    expect(classifyMailError({ responseCode: 550, response: '550 5.1.1 No such user', code: 'EENVELOPE' })).toEqual({
      permanent: true,
      reason: '550 5.1.1 No such user',
    });
  });

  it('treats SMTP 4xx and connection errors as transient', () => {
    expect(classifyMailError({ responseCode: 451, response: '451 Try again later' }).permanent).toBe(false);
    expect(classifyMailError({ code: 'ECONNECTION', message: 'connect ECONNREFUSED 127.0.0.1:2525' })).toEqual({
      permanent: false,
      reason: 'ECONNECTION: connect ECONNREFUSED 127.0.0.1:2525',
    });
  });
});
