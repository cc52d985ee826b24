import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config.service';
import { DataSource } from 'typeorm';
import { ArtifactStore } from './artifact-store';
import { PgContentLock } from './content-lock';
import { LocalArtifactStore } from './local-artifact-store';
import type * as S3Store from './s3-artifact-store';

/** The artifact store: object storage when ARTIFACTS_S3_BUCKET is set, the ARTIFACTS_DIR folder otherwise. */
@Global()
@Module({
  providers: [
    {
      provide: ArtifactStore,
      inject: [AppConfig, DataSource],
      useFactory: (config: AppConfig, db: DataSource): ArtifactStore => {
        if (!config.env.ARTIFACTS_S3_BUCKET) return new LocalArtifactStore(config.env.ARTIFACTS_DIR);
        // Required here, not imported: the AWS SDK is ~30 MB resident in every process that loads it.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { S3ArtifactStore } = require('./s3-artifact-store') as typeof S3Store;
        return new S3ArtifactStore(config.env, new PgContentLock(db));
      },
    },
  ],
  exports: [ArtifactStore],
})
export class ArtifactsModule {}
