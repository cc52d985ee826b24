import { isDependencyOutage } from './dependency-outage';

describe('isDependencyOutage', () => {
  it.each([
    [{ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:5432' }],
    [
      {
        name: 'QueryFailedError',
        message: 'terminating connection due to administrator command',
        driverError: { code: '57P01' },
      },
    ],
    [{ message: 'Connection terminated unexpectedly' }],
    [{ name: 'MaxRetriesPerRequestError', message: 'Reached the max retries per request limit (which is 20).' }],
    [{ message: "Stream isn't writeable and enableOfflineQueue options is false" }],
    [{ name: 'ConnectionClosedError', message: 'Connection is closed.' }],
  ])('takes %j for an outage', (error) => expect(isDependencyOutage(error)).toBe(true));

  it.each([
    [{ code: '23505', message: 'duplicate key value' }],
    [new TypeError('x is undefined')],
    [undefined],
    ['text'],
  ])('does not take %j for one', (error) => {
    expect(isDependencyOutage(error)).toBe(false);
  });
});
