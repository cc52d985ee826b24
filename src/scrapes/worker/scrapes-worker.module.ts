import { Module } from '@nestjs/common';
import { BrowserModule } from '../../browser/browser.module';
import { PageRenderer } from './page-renderer';
import { ScrapeCancelListener } from './scrape-cancel-listener';
import { ScrapeExecutor } from './scrape-executor';
import { ScrapesProcessor } from './scrapes.processor';

/** Worker side: the processor, the crawler and the cancel listener; `render` uses the worker's browser. */
@Module({
  imports: [BrowserModule],
  providers: [ScrapesProcessor, ScrapeExecutor, PageRenderer, ScrapeCancelListener],
})
export class ScrapesWorkerModule {}
