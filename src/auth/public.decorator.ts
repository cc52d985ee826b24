import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'stevedore:public';

/** Opts a route out of the API key (health and metrics only). */
export const Public = () => SetMetadata(IS_PUBLIC, true);
