import type { ScheduleAlerts } from '../schedules/schedule-alerts';
import type { IncidentKind } from './incident.entity';
import { type LiveIncident, MonitorRules, type Outcome } from './monitor-rules';

const rules = (over: Partial<ScheduleAlerts> = {}): ScheduleAlerts => ({
  channels: ['c'],
  failAfter: 1,
  recoverAfter: 1,
  degradedAfterMs: null,
  cooldownMs: 0,
  ...over,
});

/**
 * Judges a sequence like 'ffpfp' (f failed, e error, t timed_out, p passed, c cancelled), ending
 * one second apart; each began half a second before it ended unless `startedAtMs` says otherwise.
 */
function judge(sequence: string, alerts: ScheduleAlerts, durations: number[] = [], startedAtMs: number[] = []) {
  let n = 0;
  const monitor = new MonitorRules(
    alerts,
    { failing: 0, passing: 0, slow: 0, fast: 0, judgedStartedAt: null },
    new Map<IncidentKind, LiveIncident>(),
    () => `incident-${++n}`,
  );
  const status = { f: 'failed', e: 'error', t: 'timed_out', p: 'passed', c: 'cancelled' } as const;
  [...sequence].forEach((letter, i) => {
    const outcome: Outcome = {
      id: `run-${i}`,
      status: status[letter as keyof typeof status],
      startedAt: new Date(Date.UTC(2026, 0, 1) + (startedAtMs[i] ?? i * 1000 - 500)),
      finishedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)),
      durationMs: durations[i] ?? 100,
      error: letter === 'p' ? null : `broke ${i}`,
    };
    monitor.judge(outcome);
  });
  return monitor;
}

const told = (monitor: MonitorRules) => monitor.changes.map((c) => `${c.event}:${c.incident.id}`);

describe('monitor rules', () => {
  it('opens on the first failure and resolves on the first pass by default, one change each', () => {
    const monitor = judge('ppffp', rules());
    expect(told(monitor)).toEqual(['opened:incident-1', 'resolved:incident-1']);
    expect(monitor.changes[0].incident.runIds).toEqual(['run-2', 'run-3', 'run-4']);
    expect(monitor.changes[1].incident.resolvedAt).toEqual(new Date(Date.UTC(2026, 0, 1, 0, 0, 4)));
  });

  it('leaves out a run that began before one already judged: its failure is older news', () => {
    // Run 1 loaded the broken page at 0.6 s and failed on its timeout at 2 s; run 2 loaded the
    // recovered page at 0.9 s and passed at 1 s. Judged in the order they ended, run 1 would
    // reopen the incident run 2 resolved, and run 3 would resolve it again: two alerts too many.
    const monitor = judge('fpfp', rules(), [], [-500, 900, 600, 2500]);
    expect(told(monitor)).toEqual(['opened:incident-1', 'resolved:incident-1']);
    expect(monitor.changes[0].incident.runIds).toEqual(['run-0', 'run-1']);
    expect(monitor.streaks).toMatchObject({ passing: 2, failing: 0 });
    // A run that began at the same moment as the newest one judged still counts.
    expect(told(judge('fpf', rules(), [], [0, 500, 500]))).toEqual([
      'opened:incident-1',
      'resolved:incident-1',
      'opened:incident-2',
    ]);
  });

  it('counts failed, error and timed_out as failing, and leaves cancelled runs out', () => {
    expect(told(judge('ecetp', rules({ failAfter: 3 })))).toEqual(['opened:incident-1', 'resolved:incident-1']);
    expect(told(judge('fcf', rules({ failAfter: 2 })))).toEqual(['opened:incident-1']);
  });

  it('with failAfter 3, two failures then a pass open nothing', () => {
    expect(told(judge('ffpffp', rules({ failAfter: 3 })))).toEqual([]);
    expect(told(judge('fffp', rules({ failAfter: 3 })))).toEqual(['opened:incident-1', 'resolved:incident-1']);
  });

  it('resolves after recoverAfter passes in a row', () => {
    expect(told(judge('fpfpp', rules({ recoverAfter: 2 })))).toEqual(['opened:incident-1', 'resolved:incident-1']);
    expect(judge('fpfpp', rules({ recoverAfter: 2 })).changes[1].incident.resolvedAt).toEqual(
      new Date(Date.UTC(2026, 0, 1, 0, 0, 4)),
    );
  });

  it('keeps a flapping check to one incident while its cool-down runs, and announces the recovery once it holds', () => {
    const alerts = rules({ cooldownMs: 10_000 });
    const flapping = judge('fpfpfpfpfp', alerts);
    // Five alternations, one incident, not yet announced as resolved: each failure came within the cool-down.
    expect(told(flapping)).toEqual(['opened:incident-1']);
    const incident = flapping.incidents.get('failing')!;
    expect(incident.state).toBe('recovering');
    expect(incident.resolveDueAt).toEqual(new Date(Date.UTC(2026, 0, 1, 0, 0, 19)));
    flapping.settle(new Date(Date.UTC(2026, 0, 1, 0, 0, 18)));
    expect(told(flapping)).toEqual(['opened:incident-1']);
    flapping.settle(new Date(Date.UTC(2026, 0, 1, 0, 0, 19)));
    expect(told(flapping)).toEqual(['opened:incident-1', 'resolved:incident-1']);
    // Without a cool-down the same check would have been five incidents, ten alerts.
    expect(told(judge('fpfpfpfpfp', rules()))).toHaveLength(10);
  });

  it('opens a degraded incident on slow passing runs and resolves it when they are fast again', () => {
    const monitor = judge('pppp', rules({ degradedAfterMs: 500 }), [100, 900, 800, 100]);
    expect(monitor.changes.map((c) => `${c.event}:${c.incident.kind}`)).toEqual([
      'opened:degraded',
      'resolved:degraded',
    ]);
    // The last slow run's time: the incident tells how slow it is now.
    expect(monitor.changes[0].incident.lastError).toBe('took 800 ms (over 500 ms)');
  });

  it('continues an incident in force from an earlier pass without announcing it again', () => {
    const open: LiveIncident = {
      id: 'earlier',
      kind: 'failing',
      state: 'open',
      openedAt: new Date(0),
      resolveDueAt: null,
      resolvedAt: null,
      runIds: ['old'],
      lastError: 'x',
    };
    const monitor = new MonitorRules(
      rules(),
      { failing: 1, passing: 0, slow: 0, fast: 0, judgedStartedAt: new Date(0) },
      new Map([['failing', open]]),
      () => 'new',
    );
    monitor.judge({
      id: 'r1',
      status: 'failed',
      startedAt: new Date(500),
      finishedAt: new Date(1000),
      durationMs: 1,
      error: 'y',
    });
    expect(monitor.changes).toEqual([]);
    expect(open.runIds).toEqual(['old', 'r1']);
    expect(open.lastError).toBe('y');
    monitor.judge({
      id: 'r2',
      status: 'passed',
      startedAt: new Date(1500),
      finishedAt: new Date(2000),
      durationMs: 1,
      error: null,
    });
    expect(told(monitor)).toEqual(['resolved:earlier']);
  });
});
