import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ScrapeLiveSource } from './scrape-live-source';
import { Scrape } from './scrape.entity';
import { ScrapedPage } from './scraped-page.entity';
import { ScrapesController } from './scrapes.controller';
import { ScrapesResolver } from './scrapes.resolver';
import { ScrapesService } from './scrapes.service';

/** API side: accept, read, page through and cancel scrapes; follow them live. */
@Module({
  imports: [TypeOrmModule.forFeature([Scrape, ScrapedPage])],
  controllers: [ScrapesController],
  providers: [ScrapesService, ScrapesResolver, ScrapeLiveSource],
  exports: [ScrapesService],
})
export class ScrapesModule {}
