import { type Page, query } from '../api';
import { when } from '../format';
import type { Email } from '../types';
import { useCursorPages } from '../ui/cursor-pages';
import { ErrorLines } from '../ui/errors';
import { Pager } from '../ui/pager';
import { Status } from '../ui/status';
import { useApi } from '../ui/use-api';

export function EmailsPage() {
  const pages = useCursorPages();
  const emails = useApi<Page<Email>>(`/api/emails${query({ limit: 25, cursor: pages.cursor })}`);
  return (
    <section>
      <h1>Emails</h1>
      <ErrorLines error={emails.error} />
      <table class="list">
        <caption class="visually-hidden">Emails, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Subject</th>
            <th scope="col">To</th>
            <th scope="col">Status</th>
            <th scope="col">Attempts</th>
            <th scope="col">Queued</th>
            <th scope="col">Sent</th>
          </tr>
        </thead>
        <tbody>
          {emails.data?.items.map((email) => (
            <tr key={email.id}>
              <td>
                {email.subject}
                {email.template && <div class="muted">template {email.template}</div>}
                {email.lastError && <div class="error-text">{email.lastError}</div>}
              </td>
              <td>{email.to.join(', ')}</td>
              <td>
                <Status status={email.status} />
              </td>
              <td>{email.attempts}</td>
              <td>{when(email.createdAt)}</td>
              <td>{when(email.sentAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {emails.data && emails.data.items.length === 0 && <p>No emails yet.</p>}
      <Pager
        page={pages.page}
        hasNext={Boolean(emails.data?.nextCursor)}
        onPrevious={pages.previous}
        onNext={() => pages.next(emails.data?.nextCursor ?? null)}
      />
    </section>
  );
}
