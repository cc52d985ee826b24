import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import { PUBLIC_EXTENSION } from '../docs/public-extension';

export const IS_PUBLIC = 'stevedore:public';

/** Opts a route out of the API key (health and metrics only); the OpenAPI document shows it without a lock. */
export const Public = () => applyDecorators(SetMetadata(IS_PUBLIC, true), ApiExtension(PUBLIC_EXTENSION, true));
