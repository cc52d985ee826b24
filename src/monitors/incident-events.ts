/**
 * Where workers publish incident changes (`{ scheduleId, id, event }`, event opened,
 * resolved or updated) for API processes to stream to subscribers of the schedule.
 */
export const incidentEventsChannel = (prefix: string) => `${prefix}:incident-events`;
