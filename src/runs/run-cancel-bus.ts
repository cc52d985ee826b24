/** The Redis channel on which the API asks whichever worker holds a run to stop it. */
export const runCancelChannel = (prefix: string) => `${prefix}:runs:cancel`;
