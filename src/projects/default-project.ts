// PLACEHOLDER until the Projects commit lands on main (theirs wins at the merge).
export const DEFAULT_PROJECT_ID = '00000000-0000-0000-0000-000000000001';
