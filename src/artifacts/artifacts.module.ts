import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config.service';
import { DataSource } from 'typeorm';
import { ArtifactStore } from './artifact-store';
import { PgContentLock } from './content-lock';
import { LocalArtifactStore } from './local-artifact-store';
import { S3ArtifactStore } from './s3-artifact-store';

/** The artifact store: object storage when ARTIFACTS_S3_BUCKET is set, the ARTIFACTS_DIR folder otherwise. */
@Global()
@Module({
  providers: [
    {
      provide: ArtifactStore,
      inject: [AppConfig, DataSource],
      useFactory: (config: AppConfig, db: DataSource): ArtifactStore =>
        config.env.ARTIFACTS_S3_BUCKET
          ? new S3ArtifactStore(config.env, new PgContentLock(db))
          : new LocalArtifactStore(config.env.ARTIFACTS_DIR),
    },
  ],
  exports: [ArtifactStore],
})
export class ArtifactsModule {}
