/**
 * Where each value of a JSON text starts, by the path the API names it with in its 400
 * messages (`steps[2].selector`, `script.files["a.spec.ts"]`, `options.timeoutMs`), so
 * that a refusal shows at the right line of the editor. A tolerant scan: it stops quietly
 * where the text is not JSON (JSON.parse says where).
 */
export function jsonPathLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  let i = 0;
  let line = 1;
  const skip = () => {
    while (i < text.length && /\s/.test(text[i])) {
      if (text[i] === '\n') line++;
      i++;
    }
  };
  const string = (): string => {
    let out = '';
    i++; // opening quote
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') {
        out += text.slice(i, i + 2);
        i += 2;
      } else out += text[i++];
    }
    i++;
    try {
      return JSON.parse(`"${out}"`) as string;
    } catch {
      return out;
    }
  };
  const key = (path: string, name: string) =>
    /^[A-Za-z_$][\w$]*$/.test(name) ? (path ? `${path}.${name}` : name) : `${path}[${JSON.stringify(name)}]`;
  const value = (path: string): void => {
    skip();
    if (path) lines.set(path, line);
    const c = text[i];
    if (c === '{') {
      i++;
      skip();
      if (text[i] === '}') return void i++;
      while (i < text.length) {
        skip();
        if (text[i] !== '"') return;
        const name = string();
        skip();
        if (text[i] !== ':') return;
        i++;
        skip();
        lines.set(key(path, name), line);
        value(key(path, name));
        skip();
        if (text[i] === ',') i++;
        else if (text[i] === '}') return void i++;
        else return;
      }
    } else if (c === '[') {
      i++;
      skip();
      if (text[i] === ']') return void i++;
      for (let index = 0; i < text.length; index++) {
        value(`${path}[${index}]`);
        skip();
        if (text[i] === ',') i++;
        else if (text[i] === ']') return void i++;
        else return;
      }
    } else if (c === '"') string();
    else while (i < text.length && /[^,\]}\s]/.test(text[i])) i++;
  };
  value('');
  return lines;
}

/** The line an API problem is about: the longest path it starts with; the first line when none. */
export function lineOfProblem(problem: string, paths: Map<string, number>): number {
  let best = '';
  for (const path of paths.keys()) {
    if (
      path.length > best.length &&
      problem.startsWith(path) &&
      /^[\s.[:]|^$/.test(problem.slice(path.length, path.length + 1))
    )
      best = path;
  }
  return best ? (paths.get(best) ?? 1) : 1;
}

/** The line of JSON.parse's complaint (`... at position 42` or `(line 3 column 5)`). */
export function lineOfSyntaxError(text: string, message: string): number {
  const lineMatch = /line (\d+)/.exec(message);
  if (lineMatch) return Number(lineMatch[1]);
  const position = /position (\d+)/.exec(message);
  if (!position) return 1;
  return text.slice(0, Number(position[1])).split('\n').length;
}
