import { Global, Module } from '@nestjs/common';
import { SECRETS_CHECK } from '../runs/secrets-check';
import { SecretsController } from './secrets.controller';
import { SecretsService } from './secrets.service';

/** API side: POST/GET/DELETE /api/secrets, and the check runs ask before queueing (SECRETS_CHECK, global). */
@Global()
@Module({
  controllers: [SecretsController],
  providers: [SecretsService, { provide: SECRETS_CHECK, useExisting: SecretsService }],
  exports: [SecretsService, SECRETS_CHECK],
})
export class SecretsModule {}
