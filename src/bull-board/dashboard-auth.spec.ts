import { isDashboardRoute } from './dashboard-auth';

describe('isDashboardRoute', () => {
  it('covers every route pattern under the dashboard prefixes', () => {
    for (const pattern of [
      '/api/queues',
      '/api/queues/',
      '/api/queues/static/*',
      '/api/queues/api/queues/:queueName/pause',
      '/api/docs',
      '/api/docs/json',
      '/graphiql',
      '/graphiql/main.js',
      '/graphiql/*',
      '/API/Queues',
    ]) {
      expect([pattern, isDashboardRoute(pattern)]).toEqual([pattern, true]);
    }
  });

  it('leaves other routes and the 404 handler (no pattern) to their own guards', () => {
    for (const pattern of [undefined, '/api/runs', '/api/queuesx', '/api/docsy', '/graphql', '/api/health', '/']) {
      expect([pattern, isDashboardRoute(pattern)]).toEqual([pattern, false]);
    }
  });
});
