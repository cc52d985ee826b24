import { Module } from '@nestjs/common';
import { ShutdownSequence } from './shutdown-sequence';

/** Both sides: closes everything in one explicit order at a signal. */
@Module({ providers: [ShutdownSequence] })
export class ShutdownModule {}
