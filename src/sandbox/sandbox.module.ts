import { Module } from '@nestjs/common';
import { Sandbox } from './sandbox';

/** Worker side: where untrusted code (script runs) runs. */
@Module({ providers: [Sandbox], exports: [Sandbox] })
export class SandboxModule {}
