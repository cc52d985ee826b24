import { useState } from 'preact/hooks';

/** The cursors of the pages seen so far: page n is fetched with cursors[n] (undefined: the first). */
export function useCursorPages() {
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const page = cursors.length - 1;
  return {
    page,
    cursor: cursors[page],
    next: (nextCursor: string | null) => nextCursor && setCursors([...cursors, nextCursor]),
    previous: () => cursors.length > 1 && setCursors(cursors.slice(0, -1)),
    reset: () => setCursors([undefined]),
  };
}
