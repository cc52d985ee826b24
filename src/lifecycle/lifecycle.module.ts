import { Module } from '@nestjs/common';
import { ShutdownSequence } from './shutdown-sequence';

@Module({ providers: [ShutdownSequence] })
export class LifecycleModule {}
