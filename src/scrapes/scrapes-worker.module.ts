import { Module } from '@nestjs/common';
import { RunsWorkerModule } from '../runs/runs-worker.module';
import { PageRenderer } from './page-renderer';
import { ScrapeCancelListener } from './scrape-cancel-listener';
import { ScrapeExecutor } from './scrape-executor';
import { ScrapesProcessor } from './scrapes.processor';

/** Worker side: the processor, the crawler and the cancel listener; `render` borrows the runs' browser. */
@Module({
  imports: [RunsWorkerModule],
  providers: [ScrapesProcessor, ScrapeExecutor, PageRenderer, ScrapeCancelListener],
})
export class ScrapesWorkerModule {}
