import picomatch from 'picomatch';

const MAX_GLOB_LENGTH = 200;
// dot: a path segment starting with '.' (/.well-known) is an ordinary path here, not a hidden file.
const GLOB_OPTIONS: picomatch.PicomatchOptions = { dot: true };

/** Why a user's path glob cannot be used, or undefined when it is fine. */
export function globProblem(glob: unknown): string | undefined {
  if (typeof glob !== 'string') return 'a path glob must be a string';
  if (glob.trim() === '') return 'a path glob must not be empty';
  if (glob.length > MAX_GLOB_LENGTH) return `a path glob must be at most ${MAX_GLOB_LENGTH} characters`;
  if (glob.includes('\0')) return 'a path glob must not contain a NUL character';
  if (!glob.startsWith('/')) return `a path glob must start with / (it matches the URL path): ${glob}`;
  try {
    // debug: picomatch otherwise swallows an invalid regular expression and quietly matches nothing.
    picomatch.makeRe(glob, { ...GLOB_OPTIONS, debug: true });
  } catch (error) {
    return `a path glob could not be compiled: ${glob} (${(error as Error).message})`;
  }
  return undefined;
}

/** Which URL paths a crawl may visit: any include glob (or all paths when there are none), and no exclude glob. */
export class PathRules {
  private readonly include: picomatch.Matcher[];
  private readonly exclude: picomatch.Matcher[];

  constructor(include: readonly string[], exclude: readonly string[]) {
    this.include = include.map((glob) => picomatch(glob, GLOB_OPTIONS));
    this.exclude = exclude.map((glob) => picomatch(glob, GLOB_OPTIONS));
  }

  /** `pathname` is the URL path alone, without the query. */
  allows(pathname: string): boolean {
    if (this.exclude.some((matches) => matches(pathname))) return false;
    return this.include.length === 0 || this.include.some((matches) => matches(pathname));
  }
}
