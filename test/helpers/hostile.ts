import fc from 'fast-check';

/**
 * Generators of hostile input for the fuzz suite: strings PostgreSQL or a parser may
 * choke on, JSON shaped like the API's bodies but wrong in every way, and spellings of
 * paths. Shared by the HTTP, GraphQL and socket.io properties.
 */

/** Strings picked for what they have broken elsewhere, beside arbitrary ones. */
export const nastyString = fc.oneof(
  fc.constantFrom(
    '',
    '\u0000',
    'a\u0000b',
    '\ud800',
    'x\udfffy',
    '\uffff',
    '%00',
    '%',
    '%zz',
    '../../../etc/passwd',
    "'; DROP TABLE runs; --",
    '{{constructor.constructor("return process")()}}',
    '__proto__',
    'constructor',
    '\r\nX-Injected: 1',
    'http://169.254.169.254/latest/meta-data/',
    'http://[64:ff9b::a9fe:a9fe]/',
    'file:///etc/passwd',
    'javascript:alert(1)',
    '*/99999999999 * * * *',
    '0 0 30 2 *',
    '* * * * * *',
    '00000000-0000-0000-0000-000000000000',
    'a'.repeat(70_000),
    '9'.repeat(400),
    '-1',
    'NaN',
    '1e309',
    'true',
    'null',
  ),
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.string({ unit: 'grapheme-composite', maxLength: 30 }),
);

/** Field names the API's bodies use, so generated objects reach past "unknown field". */
const FIELD_NAMES = [
  'name',
  'baseUrl',
  'steps',
  'action',
  'selector',
  'value',
  'url',
  'text',
  'options',
  'timeoutMs',
  'stepTimeoutMs',
  'video',
  'trace',
  'screenshots',
  'priority',
  'tests',
  'notify',
  'webhookUrl',
  'concurrency',
  'fromRun',
  'cron',
  'timezone',
  'run',
  'suite',
  'mode',
  'maxPages',
  'maxDepth',
  'includePaths',
  'excludePaths',
  'render',
  'respectRobots',
  'formats',
  'email',
  'to',
  'cc',
  'subject',
  'html',
  'template',
  'variables',
  'idempotencyKey',
  'key',
  'status',
  'limit',
  'cursor',
  'runId',
  'scrapeId',
  'suiteId',
  '__proto__',
  'constructor',
];

const scalar = fc.oneof(
  nastyString,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.bigInt().map(String),
);

/** JSON values in the API's shapes, wrong anywhere: objects with its field names, arrays, scalars. */
export const hostileJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.oneof(fc.constantFrom(...FIELD_NAMES), nastyString), tie('value'), { maxKeys: 6 }),
  ),
})).value;

/** A valid body with one field, at any depth, replaced by something hostile. */
export function mutated(example: unknown): fc.Arbitrary<unknown> {
  const paths: Array<Array<string | number>> = [];
  const walk = (value: unknown, path: Array<string | number>) => {
    paths.push(path);
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, [...path, i]));
    else if (value && typeof value === 'object') Object.entries(value).forEach(([k, v]) => walk(v, [...path, k]));
  };
  walk(example, []);
  return fc.tuple(fc.constantFrom(...paths), hostileJson).map(([path, replacement]) => {
    if (path.length === 0) return replacement;
    const copy = structuredClone(example) as Record<string | number, unknown>;
    let target = copy;
    for (const step of path.slice(0, -1)) target = target[step] as Record<string | number, unknown>;
    target[path[path.length - 1]] = replacement;
    return copy;
  });
}

/** A path segment as a client could spell it: plain, percent-encoded, with dots, slashes or junk. */
export const hostileSegment = fc.oneof(
  fc.uuid(),
  fc.constantFrom(
    '%2e%2e',
    '..',
    '.',
    '%2F',
    '%00',
    '%ZZ',
    '%',
    '%c0%af',
    'queues',
    '%71ueues',
    'docs',
    '%64ocs',
    '',
    '\u00e9',
    'graphiql',
  ),
  // Every byte outside the unreserved set percent-encoded (lone surrogates as U+FFFD's bytes).
  nastyString.map((s) =>
    [...Buffer.from(s.slice(0, 200))]
      .map((b) =>
        /[A-Za-z0-9._~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).padStart(2, '0')}`,
      )
      .join(''),
  ),
  fc.webSegment(),
);

/** Bodies as sent: JSON text (valid or not) under a content type that may lie. */
export const contentTypes = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=utf-16',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/graphql-response+json',
  'application/octet-stream',
  undefined,
);
