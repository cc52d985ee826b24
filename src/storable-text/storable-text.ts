/**
 * Text PostgreSQL cannot store: a NUL character (refused by text and jsonb, keys
 * included) and a lone UTF-16 surrogate (not valid UTF-8, so the driver cannot send it).
 * Every door (REST, GraphQL, socket.io) walks what it parsed with `unstorableText` before
 * anything reaches a handler, so such text is a 400 naming the field, never a 500 from
 * the database.
 */

/** Enough to name the problems without building a long answer for a hostile body. */
const MAX_PROBLEMS = 10;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** What is wrong with one string, or null when PostgreSQL can store it. */
export function textProblem(text: string): string | null {
  if (text.includes('\u0000')) return 'contains a NUL character (\\u0000), which cannot be stored';
  const surrogate = LONE_SURROGATE.exec(text);
  if (surrogate)
    return `contains a lone surrogate (\\u${surrogate[0].charCodeAt(0).toString(16)}), which is not valid Unicode`;
  return null;
}

/** `parent.key`, `parent["odd key"]`, `key` at the root. */
function childPath(parent: string, key: string): string {
  if (!IDENTIFIER.test(key)) return `${parent}[${JSON.stringify(key)}]`;
  return parent ? `${parent}.${key}` : key;
}

/**
 * Every place in a parsed value (JSON, a query string, GraphQL variables) whose text
 * cannot be stored, as `steps[2].selector contains a NUL character …`; keys count too
 * (jsonb refuses a NUL in a key). `root` names the value itself (`query`, `$input`), or
 * is empty for a body whose fields are named alone. Iterative: a deeply nested body
 * cannot exhaust the stack.
 */
export function unstorableText(value: unknown, root = ''): string[] {
  const problems: string[] = [];
  // A stack of values to look at, or problems found in keys (kept in document order).
  const pending: Array<{ value: unknown; path: string } | { problem: string }> = [{ value, path: root }];
  while (pending.length && problems.length < MAX_PROBLEMS) {
    const item = pending.pop()!;
    if ('problem' in item) {
      problems.push(item.problem);
      continue;
    }
    const { value: current, path } = item;
    if (typeof current === 'string') {
      const problem = textProblem(current);
      if (problem) problems.push(`${path || 'the body'} ${problem}`);
    } else if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) pending.push({ value: current[i], path: `${path}[${i}]` });
    } else if (typeof current === 'object' && current !== null) {
      const entries = Object.entries(current);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i];
        const keyProblem = textProblem(key);
        pending.push(
          keyProblem
            ? { problem: `a key of ${path || 'the body'} (${JSON.stringify(key)}) ${keyProblem}` }
            : { value: child, path: childPath(path, key) },
        );
      }
    }
  }
  return problems;
}

/** Every unstorable text of a parsed REST request: its body (fields named alone), query string and path parameters. */
export function unstorableRequestText(request: { body?: unknown; query?: unknown; params?: unknown }): string[] {
  return [
    ...unstorableText(request.body),
    ...unstorableText(request.query, 'query'),
    ...unstorableText(request.params, 'params'),
  ];
}
