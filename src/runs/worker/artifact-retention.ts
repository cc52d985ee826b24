/**
 * Which ended runs lose their artifacts ($1: the cutoff, now - ARTIFACT_RETENTION_DAYS;
 * $2: how many), oldest first, locked for the sweep's batch. A run that ended before the
 * cutoff keeps its artifacts while something still needs them:
 * - its suite: a suite's runs go together, and none while any of them ended within the window
 *   or has not ended (a suite report compares them);
 * - its schedule, while the schedule exists: the last ended run of a run schedule, and every
 *   run of the last ended suite of a suite schedule (what "the latest result" shows);
 * - a monitor incident judged on it (or on its suite) that is not resolved, or was resolved
 *   within the window.
 * Runs already swept (artifacts_expired_at set) are not looked at again. Each look is an
 * index walk: runs_artifacts_kept_idx for the candidates, runs_suite_idx, the schedule's
 * newest ended run or suite (runs_ / suites_schedule_finished_idx), incidents_schedule_idx.
 */
export const EXPIRED_RUNS_SQL = `
  SELECT r.id FROM runs r
   WHERE r.finished_at IS NOT NULL AND r.artifacts_expired_at IS NULL AND r.finished_at < $1
     AND (r.suite_id IS NULL OR NOT EXISTS (
           SELECT 1 FROM runs o WHERE o.suite_id = r.suite_id AND (o.finished_at IS NULL OR o.finished_at >= $1)))
     AND NOT EXISTS (
           SELECT 1 FROM schedules s WHERE s.id = r.schedule_id AND (
             (s.suite IS NULL AND r.id = (SELECT x.id FROM runs x
                                           WHERE x.schedule_id = s.id AND x.finished_at IS NOT NULL
                                           ORDER BY x.finished_at DESC, x.id DESC LIMIT 1))
             OR (s.suite IS NOT NULL AND r.suite_id = (SELECT y.id FROM suites y
                                                      WHERE y.schedule_id = s.id AND y.finished_at IS NOT NULL
                                                      ORDER BY y.finished_at DESC, y.id DESC LIMIT 1))))
     AND NOT EXISTS (
           SELECT 1 FROM incidents i
            WHERE i.schedule_id = r.schedule_id AND (r.id = ANY(i.run_ids) OR r.suite_id = ANY(i.run_ids))
              AND (i.resolved_at IS NULL OR i.resolved_at >= $1))
   ORDER BY r.finished_at, r.id
   LIMIT $2
   FOR UPDATE OF r SKIP LOCKED`;
