import type { ScheduleAlerts } from '../schedules/schedule-alerts';
import type { IncidentKind, IncidentState } from './incident.entity';

/** A run (or suite) of a schedule that ended: what the monitor judges. */
export interface Outcome {
  id: string;
  status: string;
  /** When it began looking (its start, or its end if it never started). */
  startedAt: Date;
  finishedAt: Date;
  durationMs: number | null;
  error: string | null;
}

export interface Streaks {
  failing: number;
  passing: number;
  slow: number;
  fast: number;
  /** When the newest outcome judged so far began; an outcome that began before it is stale. */
  judgedStartedAt: Date | null;
}

/** An incident in force as the rules see it; `changed` marks what must be written back. */
export interface LiveIncident {
  id: string;
  kind: IncidentKind;
  state: IncidentState;
  openedAt: Date;
  resolveDueAt: Date | null;
  resolvedAt: Date | null;
  runIds: string[];
  lastError: string | null;
  isNew?: boolean;
  changed?: boolean;
}

/** A state change to tell the channels: an incident opened or resolved. */
export interface Change {
  incident: LiveIncident;
  event: 'opened' | 'resolved';
}

const FAILING = new Set(['failed', 'error', 'timed_out']);
const PASSING = new Set(['passed']);

/**
 * The rules, with no I/O: each outcome in the order they ended moves the streaks and the
 * incidents in force, and says which changes to announce. A `failing` incident opens after
 * failAfter failing runs in a row and resolves after recoverAfter passing ones, once that
 * recovery has held for cooldownMs (a failure during the cool-down keeps it open, and
 * nothing is said); a `degraded` one does the same with passing runs slower than
 * degradedAfterMs. Cancelled runs say nothing either way, and so does a stale run: one that
 * began before a run already judged but ended after it (a slow failure that looked at the
 * site before it recovered must not reopen the incident a quicker, later pass resolved).
 */
export class MonitorRules {
  readonly changes: Change[] = [];

  constructor(
    private readonly rules: ScheduleAlerts,
    readonly streaks: Streaks,
    readonly incidents: Map<IncidentKind, LiveIncident>,
    private readonly newId: () => string,
  ) {}

  judge(outcome: Outcome): void {
    const newest = this.streaks.judgedStartedAt;
    if (newest && outcome.startedAt < newest) return;
    this.streaks.judgedStartedAt = outcome.startedAt;
    if (FAILING.has(outcome.status)) {
      this.streaks.failing++;
      this.streaks.passing = 0;
      this.bad('failing', outcome, this.streaks.failing);
      return;
    }
    if (!PASSING.has(outcome.status)) return;
    this.streaks.passing++;
    this.streaks.failing = 0;
    this.good('failing', outcome, this.streaks.passing);
    const threshold = this.rules.degradedAfterMs;
    if (threshold === null || outcome.durationMs === null) return;
    if (outcome.durationMs > threshold) {
      this.streaks.slow++;
      this.streaks.fast = 0;
      this.bad('degraded', outcome, this.streaks.slow);
    } else {
      this.streaks.fast++;
      this.streaks.slow = 0;
      this.good('degraded', outcome, this.streaks.fast);
    }
  }

  /** Recoveries whose cool-down is over by `now` are announced. */
  settle(now: Date): void {
    for (const incident of this.incidents.values()) {
      if (incident.state === 'recovering' && incident.resolveDueAt && incident.resolveDueAt <= now)
        this.resolve(incident, incident.resolveDueAt);
    }
  }

  private bad(kind: IncidentKind, outcome: Outcome, streak: number): void {
    const incident = this.incidents.get(kind);
    const error =
      kind === 'degraded' ? `took ${outcome.durationMs} ms (over ${this.rules.degradedAfterMs} ms)` : outcome.error;
    if (incident) {
      // Still failing, or failing again within the cool-down: the same incident, nothing to say.
      incident.state = 'open';
      incident.resolveDueAt = null;
      incident.runIds.push(outcome.id);
      incident.lastError = error ?? incident.lastError;
      incident.changed = true;
      return;
    }
    if (streak < this.rules.failAfter) return;
    const opened: LiveIncident = {
      id: this.newId(),
      kind,
      state: 'open',
      openedAt: outcome.finishedAt,
      resolveDueAt: null,
      resolvedAt: null,
      runIds: [outcome.id],
      lastError: error,
      isNew: true,
      changed: true,
    };
    this.incidents.set(kind, opened);
    this.changes.push({ incident: opened, event: 'opened' });
  }

  private good(kind: IncidentKind, outcome: Outcome, streak: number): void {
    const incident = this.incidents.get(kind);
    if (!incident) return;
    incident.runIds.push(outcome.id);
    incident.changed = true;
    if (incident.state !== 'open' || streak < this.rules.recoverAfter) return;
    if (this.rules.cooldownMs === 0) return this.resolve(incident, outcome.finishedAt);
    incident.state = 'recovering';
    incident.resolveDueAt = new Date(outcome.finishedAt.getTime() + this.rules.cooldownMs);
  }

  private resolve(incident: LiveIncident, at: Date): void {
    incident.state = 'resolved';
    incident.resolvedAt = at;
    incident.resolveDueAt = null;
    incident.changed = true;
    this.incidents.delete(incident.kind);
    this.changes.push({ incident, event: 'resolved' });
  }
}
