import { ProjectId } from '../auth/principal.decorator';
import { ParseUUIDPipe } from '@nestjs/common';
import { Args, ID, Int, Mutation, Parent, Query, ResolveField, Resolver, Subscription } from '@nestjs/graphql';
import { LiveEventHub } from '../events/live-event-hub';
import { liveIterator } from '../events/live-iterator';
import { StartScrapeInput } from './dto/start-scrape.input';
import { Scrape } from './scrape.entity';
import { ScrapedPage } from './scraped-page.entity';
import { ScrapesService } from './scrapes.service';
import { pageModel } from '../graphql/page-model';

const ScrapedPagePageModel = pageModel(
  ScrapedPage,
  'ScrapedPagePage',
  "One page of a scrape's stored pages, in the order found",
  'The stored pages on this page',
);

@Resolver(() => Scrape)
export class ScrapesResolver {
  constructor(
    private readonly service: ScrapesService,
    private readonly hub: LiveEventHub,
  ) {}

  @Mutation(() => Scrape, { description: 'Queue a page scrape or a crawl' })
  async startScrape(
    @Args('input', { description: 'The scrape, as the body of POST /api/scrapes' }) input: StartScrapeInput,
  ): Promise<Scrape> {
    // The scrape as accepted (a fresh read could already find it running).
    return Object.assign(await this.service.create(input), { errors: [] });
  }

  @Mutation(() => Scrape, { description: 'Cancel a queued scrape, or stop a running one (its pages are kept)' })
  async cancelScrape(
    @Args('id', { type: () => ID, description: "The scrape's id" }, new ParseUUIDPipe()) id: string,
  ): Promise<Scrape> {
    await this.service.cancel(id);
    return this.service.get(id);
  }

  @Query(() => Scrape, { description: 'A scrape by id' })
  scrape(
    @Args('id', { type: () => ID, description: "The scrape's id" }, new ParseUUIDPipe()) id: string,
  ): Promise<Scrape> {
    return this.service.get(id);
  }

  @ResolveField(() => ScrapedPagePageModel, { description: 'Stored pages in the order found' })
  pages(
    @Parent() scrape: Scrape,
    @Args('limit', { type: () => Int, nullable: true, description: 'Page size, 1 to 200 (default 20)' }) limit?: number,
    @Args('cursor', { type: () => String, nullable: true, description: 'nextCursor of the previous page' })
    cursor?: string,
  ) {
    return this.service.listPages(scrape.id, {
      limit: limit ?? undefined,
      cursor: cursor ?? undefined,
      fields:
        'url,finalUrl,depth,state,statusCode,contentType,title,description,canonicalUrl,markdown,text,html,links,contentHash,fetchedAt,durationMs,error',
    });
  }

  @Subscription(() => Scrape, {
    description: 'The scrape now, then again as pages arrive and when it ends',
    resolve: (scrape: Scrape) => scrape,
  })
  scrapeUpdated(
    @Args('id', { type: () => ID, description: "The scrape's id" }, new ParseUUIDPipe()) id: string,
    @ProjectId() projectId: string,
  ): Promise<AsyncIterableIterator<Scrape>> {
    return liveIterator(this.hub, 'scrape', id, projectId, (update) => update.payload as unknown as Scrape);
  }
}
