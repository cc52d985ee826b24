/** Set on public routes by @Public(); the document shows them with `security: []` (no lock in Swagger UI). */
export const PUBLIC_EXTENSION = 'x-stevedore-public';
