import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config.service';
import { AddressPolicy } from './address-policy';

/** The one SSRF guard (ALLOWED_PRIVATE_HOSTS read once), for every place a user's URL is checked or fetched. */
@Global()
@Module({
  providers: [
    {
      provide: AddressPolicy,
      useFactory: (config: AppConfig) => new AddressPolicy(config.env.ALLOWED_PRIVATE_HOSTS),
      inject: [AppConfig],
    },
  ],
  exports: [AddressPolicy],
})
export class EgressModule {}
