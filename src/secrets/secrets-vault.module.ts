import { Module } from '@nestjs/common';
import { SecretsVault } from './secrets-vault';

/** What the worker imports to inject secrets into a script run: the vault, no routes. */
@Module({
  providers: [SecretsVault],
  exports: [SecretsVault],
})
export class SecretsVaultModule {}
