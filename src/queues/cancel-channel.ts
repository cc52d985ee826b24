/** The Redis channel on which the API asks whichever worker holds a job of `kind` to stop it. */
export const cancelChannel = (prefix: string, kind: 'runs' | 'scrapes') => `${prefix}:${kind}:cancel`;
