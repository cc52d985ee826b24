import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DeadLetter } from './dead-letter.entity';
import { DeadLettersController } from './dead-letters.controller';
import { DeadLettersResolver } from './dead-letters.resolver';
import { DeadLettersService } from './dead-letters.service';

/** API side: list dead letters and replay them. (Workers write them: src/reliability.) */
@Module({
  imports: [TypeOrmModule.forFeature([DeadLetter])],
  controllers: [DeadLettersController],
  providers: [DeadLettersService, DeadLettersResolver],
})
export class DeadLettersModule {}
