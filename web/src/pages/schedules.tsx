import { useState } from 'preact/hooks';
import { api, type Page, query, type Session } from '../api';
import { ago, when } from '../format';
import { Link } from '../router';
import type { Run, Schedule } from '../types';
import { useCursorPages } from '../ui/cursor-pages';
import { ErrorLines } from '../ui/errors';
import { Pager } from '../ui/pager';
import { useApi } from '../ui/use-api';

/** The last runs of a schedule, oldest to newest, one mark each: what a glance at a monitor shows. */
function RunStrip({ scheduleId }: { scheduleId: string }) {
  const runs = useApi<Page<Run>>(`/api/runs${query({ scheduleId, limit: 20 })}`);
  const items = [...(runs.data?.items ?? [])].reverse();
  if (runs.data && items.length === 0) return <span class="muted">no runs yet</span>;
  const passed = items.filter((run) => run.status === 'passed').length;
  // One link to the schedule's runs; the marks inside are a picture of them, not links of their own.
  return (
    <Link
      href={`/runs?scheduleId=${scheduleId}`}
      class="strip"
      aria-label={`Last ${items.length} runs: ${passed} passed, ${items.length - passed} did not`}
    >
      {items.map((run) => (
        <span
          key={run.id}
          class={`tick status-${run.status}`}
          title={`${run.status} · ${when(run.createdAt)}`}
          aria-hidden="true"
        />
      ))}
    </Link>
  );
}

function ScheduleRow({ schedule, mayChange }: { schedule: Schedule; mayChange: boolean }) {
  // One schedule's GET has its next tick (the list does not read the queue for each).
  const one = useApi<Schedule>(`/api/schedules/${schedule.id}`);
  const [error, setError] = useState<unknown>();
  const current = one.data ?? schedule;
  const paused = Boolean(current.pausedAt);
  const toggle = async () => {
    setError(undefined);
    try {
      const changed = await api<Schedule>(`/api/schedules/${schedule.id}/${paused ? 'resume' : 'pause'}`, {
        method: 'POST',
      });
      one.set(() => changed);
    } catch (reason) {
      setError(reason);
    }
  };
  return (
    <tr>
      <th scope="row">
        <Link href={`/runs?scheduleId=${schedule.id}`}>{current.name}</Link>
        <div class="muted">{current.run ? 'run' : 'suite'}</div>
      </th>
      <td>
        <code>{current.cron}</code> <span class="muted">{current.timezone}</span>
      </td>
      <td>{paused ? <span class="status status-paused">paused</span> : when(current.nextTickAt ?? null)}</td>
      <td>
        {ago(current.lastTickAt)}
        {current.lastSkipReason && <div class="muted">skipped: {current.lastSkipReason}</div>}
      </td>
      <td>
        <RunStrip scheduleId={schedule.id} />
      </td>
      <td>
        {mayChange && (
          <button type="button" onClick={toggle} aria-label={`${paused ? 'Resume' : 'Pause'} ${current.name}`}>
            {paused ? 'Resume' : 'Pause'}
          </button>
        )}
        <ErrorLines error={error} />
      </td>
    </tr>
  );
}

export function SchedulesPage({ session }: { session: Session }) {
  const pages = useCursorPages();
  const schedules = useApi<Page<Schedule>>(`/api/schedules${query({ limit: 25, cursor: pages.cursor })}`);
  return (
    <section>
      <h1>Schedules</h1>
      <ErrorLines error={schedules.error} />
      <table class="list">
        <caption class="visually-hidden">Schedules</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">When</th>
            <th scope="col">Next tick</th>
            <th scope="col">Last tick</th>
            <th scope="col">Last runs</th>
            <th scope="col">
              <span class="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {schedules.data?.items.map((schedule) => (
            <ScheduleRow key={schedule.id} schedule={schedule} mayChange={session.scopes.includes('admin')} />
          ))}
        </tbody>
      </table>
      {schedules.data && schedules.data.items.length === 0 && <p>No schedules yet (POST /api/schedules).</p>}
      <Pager
        page={pages.page}
        hasNext={Boolean(schedules.data?.nextCursor)}
        onPrevious={pages.previous}
        onNext={() => pages.next(schedules.data?.nextCursor ?? null)}
      />
    </section>
  );
}
