import { z } from 'zod';
import { FIELD } from '../validation/problem-lines';
import { closedObject, wholeNumber } from '../validation/request-fields';

/** The longest mute: 30 days. A schedule silenced for longer should be paused, or its alerts taken off. */
export const MAX_MUTE_MINUTES = 43_200;

export const muteMinutesField = () =>
  wholeNumber(1, MAX_MUTE_MINUTES, `must be a whole number from 1 to ${MAX_MUTE_MINUTES} (30 days)`).meta({
    description: 'For how long from now its alerts are muted, in minutes',
    example: 60,
  });

/** The body of POST /api/schedules/:id/mute. */
export const muteScheduleRequestSchema = closedObject(
  { minutes: muteMinutesField() },
  `property ${FIELD} should not exist`,
  'the body must be a JSON object: { minutes }',
).meta({
  description:
    'Mutes its alerts for a while: incidents still open and resolve, and their notifications are kept as muted instead of sent',
});

export type MuteScheduleRequest = z.output<typeof muteScheduleRequestSchema>;
