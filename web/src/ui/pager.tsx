/** Server-side pages: newest first, forward by the API's cursor, back by the cursors seen. */
export function Pager(props: { page: number; hasNext: boolean; onPrevious: () => void; onNext: () => void }) {
  return (
    <nav class="pager" aria-label="Pages">
      <button type="button" onClick={props.onPrevious} disabled={props.page === 0}>
        ← Newer
      </button>
      <span>Page {props.page + 1}</span>
      <button type="button" onClick={props.onNext} disabled={!props.hasNext}>
        Older →
      </button>
    </nav>
  );
}
