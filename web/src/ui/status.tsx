/** A status as a word and a colour; the word is always there (colour is never the only sign). */
export function Status({ status }: { status: string }) {
  return <span class={`status status-${status.replace(/[^a-z_]/gi, '')}`}>{status.replace('_', ' ')}</span>;
}
