import { useState } from 'preact/hooks';
import { api, type Page, query, type Session } from '../api';
import { when } from '../format';
import { Link } from '../router';
import type { DeadLetter } from '../types';
import { useCursorPages } from '../ui/cursor-pages';
import { ErrorLines } from '../ui/errors';
import { Pager } from '../ui/pager';
import { useApi } from '../ui/use-api';

const JOB_PAGES: Record<string, string> = { 'test-runs': '/runs/', scrapes: '/scrapes/' };

export function DeadLettersPage({ session }: { session: Session }) {
  const pages = useCursorPages();
  const [onlyOpen, setOnlyOpen] = useState(true);
  const letters = useApi<Page<DeadLetter>>(
    `/api/dead-letters${query({ limit: 25, cursor: pages.cursor, open: onlyOpen ? 'true' : undefined })}`,
  );
  const [error, setError] = useState<unknown>();
  const replay = async (id: string) => {
    setError(undefined);
    try {
      await api(`/api/dead-letters/${id}/replay`, { method: 'POST' });
      letters.reload();
    } catch (reason) {
      setError(reason);
    }
  };
  return (
    <section>
      <h1>Dead letters</h1>
      <p class="muted">Jobs that failed for good. Replaying one queues it again, as it was.</p>
      <label class="inline">
        <input
          type="checkbox"
          checked={onlyOpen}
          onChange={(e) => {
            setOnlyOpen((e.currentTarget as HTMLInputElement).checked);
            pages.reset();
          }}
        />{' '}
        Only those not replayed yet
      </label>
      <ErrorLines error={letters.error ?? error} />
      <table class="list">
        <caption class="visually-hidden">Dead letters, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Queue</th>
            <th scope="col">Job</th>
            <th scope="col">Error</th>
            <th scope="col">Attempts</th>
            <th scope="col">Failed</th>
            <th scope="col">
              <span class="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {letters.data?.items.map((letter) => (
            <tr key={letter.id}>
              <td>{letter.queue}</td>
              <td>
                {JOB_PAGES[letter.queue] ? (
                  <Link href={`${JOB_PAGES[letter.queue]}${letter.jobId}`}>{letter.jobName}</Link>
                ) : (
                  letter.jobName
                )}
                <div class="muted">{letter.jobId}</div>
              </td>
              <td class="error-text">{letter.error}</td>
              <td>{letter.attempts}</td>
              <td>{when(letter.failedAt)}</td>
              <td>
                {letter.replayedAt ? (
                  <span class="muted">replayed {when(letter.replayedAt)}</span>
                ) : (
                  session.scopes.includes('trigger') && (
                    <button
                      type="button"
                      onClick={() => replay(letter.id)}
                      aria-label={`Replay ${letter.jobName} ${letter.jobId}`}
                    >
                      Replay
                    </button>
                  )
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {letters.data && letters.data.items.length === 0 && <p>No dead letters.</p>}
      <Pager
        page={pages.page}
        hasNext={Boolean(letters.data?.nextCursor)}
        onPrevious={pages.previous}
        onNext={() => pages.next(letters.data?.nextCursor ?? null)}
      />
    </section>
  );
}
