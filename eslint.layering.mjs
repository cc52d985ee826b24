// @ts-check
import boundaries from 'eslint-plugin-boundaries';

/** Shared infrastructure: any feature may use it; it knows no feature and no side. */
const SHARED = [
  'artifacts',
  'auth',
  'batching',
  'bull-board',
  'config',
  'database',
  'docs',
  'egress',
  'events',
  'graphql',
  'health',
  'http',
  'logging',
  'mail',
  'metrics',
  'outages',
  'projects',
  'queues',
  'redis',
  'shutdown',
  'storable-text',
  'tracing',
  'validation',
  'web',
];
/** Worker-only infrastructure: only a feature's worker/ folder (and the roots) may use it. */
const WORKER_ONLY = ['worker-runtime', 'browser', 'sandbox'];
/**
 * What a feature offers the others: its job declaration, entities, public services and
 * modules, and the hooks it declares. Anything else in a feature is its own.
 */
const PUBLIC = {
  runs: [
    'run-job.ts',
    'run.entity.ts',
    'run-definition.ts',
    'new-run.ts',
    'run-capacity.ts',
    'runs.module.ts',
    'runs.service.ts',
    'over-capacity.filter.ts',
    'runs-ended-hook.ts',
    'run-responses.ts',
    'dto/trigger-run.input.ts',
    'secrets-check.ts',
  ],
  suites: ['suite-launch.ts', 'suite-request.ts', 'suites.module.ts', 'suites.service.ts', 'suite.entity.ts'],
  emails: ['email-outbox.ts', 'email-outbox.module.ts', 'email.entity.ts'],
  schedules: ['schedule-alerts.ts'],
  secrets: [
    'secrets.module.ts',
    'secrets.service.ts',
    'secrets-vault.module.ts',
    'secrets-vault.ts',
    'secret-name.ts',
    'redactor.ts',
    'secret.entity.ts',
  ],
};
const PUBLIC_WORKER = { runs: ['run-hooks.ts'] };

const anyFeature = { types: { anyOf: ['feature', 'feature-worker'] } };
const toPublic = (type, lists) =>
  Object.entries(lists).map(([name, files]) => ({
    from: { element: anyFeature },
    allow: { to: { element: { type, captured: { name }, internalPath: files } } },
  }));

/**
 * The layering of src/ (README: Architecture), checked on every import:
 * - root files (src/*.ts) compose the two sides and may import anything;
 * - shared infrastructure imports only shared infrastructure;
 * - the worker runtime and the browser are for the worker side only: a feature's worker/
 *   folder (or another worker-only folder) may import them, nothing on the API side may;
 * - a feature imports its own files, shared infrastructure and what other features offer
 *   (PUBLIC); its API side never imports its worker/ folder.
 */
export const layering = {
  files: ['src/**/*.ts'],
  ignores: ['src/**/*.spec.ts'],
  plugins: { boundaries },
  settings: {
    'boundaries/legacy-templates': false,
    // The root files are elements of their own (mode: file), which v7 still supports but warns about.
    'boundaries/legacy-warnings': false,
    'import/resolver': { node: { extensions: ['.ts', '.js'] } },
    'boundaries/elements': [
      { type: 'root', pattern: 'src/*.ts', mode: 'file' },
      { type: 'shared', pattern: `src/(${SHARED.join('|')})` },
      { type: 'worker-only', pattern: `src/(${WORKER_ONLY.join('|')})` },
      { type: 'feature-worker', pattern: 'src/*/worker', capture: ['name'] },
      { type: 'feature', pattern: 'src/*', capture: ['name'] },
    ],
  },
  rules: {
    'boundaries/dependencies': [
      2,
      {
        default: 'disallow',
        policies: [
          {
            from: { element: { type: 'root' } },
            allow: {
              to: { element: { types: { anyOf: ['root', 'shared', 'worker-only', 'feature', 'feature-worker'] } } },
            },
          },
          {
            from: { element: { types: { anyOf: ['shared', 'worker-only', 'feature', 'feature-worker'] } } },
            allow: { to: { element: { type: 'shared' } } },
          },
          {
            from: { element: { types: { anyOf: ['worker-only', 'feature-worker'] } } },
            allow: { to: { element: { type: 'worker-only' } } },
          },
          {
            from: { element: anyFeature },
            allow: { to: { element: { type: 'feature', captured: { name: '{{ from.element.captured.name }}' } } } },
          },
          {
            from: { element: { type: 'feature-worker' } },
            allow: {
              to: { element: { type: 'feature-worker', captured: { name: '{{ from.element.captured.name }}' } } },
            },
          },
          // The list of job kinds, which the dead-letter filter offers.
          { from: { element: anyFeature }, allow: { to: { element: { type: 'root', path: 'src/job-catalogue.ts' } } } },
          ...toPublic('feature', PUBLIC),
          ...toPublic('feature-worker', PUBLIC_WORKER),
        ],
      },
    ],
  },
};
