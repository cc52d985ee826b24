import { Field, InputType, Int } from '@nestjs/graphql';

/**
 * GraphQL's shape of the scrape body. scrapeRequestSchema (scrape-request.ts) checks it,
 * as it checks the REST body: GraphQL needs a class for its input type.
 * graphql/request-shapes.spec.ts keeps the fields the same.
 */
@InputType('StartScrapeInput', { description: 'A scrape to queue, as the body of POST /api/scrapes' })
export class StartScrapeInput {
  @Field({ description: 'The page, or where a crawl starts' })
  url: string;
  @Field({ nullable: true, description: 'page (default) or crawl' })
  mode?: string;
  @Field(() => Int, { nullable: true, description: 'crawl: most pages stored, 1 to 10000 (default 50)' })
  maxPages?: number;
  @Field(() => Int, { nullable: true, description: 'crawl: most links followed from the start URL (default 3)' })
  maxDepth?: number;
  @Field(() => [String], { nullable: true, description: 'crawl: only paths matching one of these globs' })
  includePaths?: string[];
  @Field(() => [String], { nullable: true, description: 'crawl: no paths matching one of these globs' })
  excludePaths?: string[];
  @Field({ nullable: true, description: 'Render in Chromium instead of plain HTTP' })
  render?: boolean;
  @Field({ nullable: true, description: 'Obey robots.txt and its Crawl-delay (default true)' })
  respectRobots?: boolean;
  @Field(() => [String], { nullable: true, description: 'What to keep of each page: markdown, text, html, links' })
  formats?: string[];
  @Field(() => Int, { nullable: true, description: 'Pages fetched at once, 1 to 50 (default 5)' })
  concurrency?: number;
  @Field(() => Int, {
    nullable: true,
    description: "The whole scrape's timeout in milliseconds, at most MAX_JOB_DURATION",
  })
  timeoutMs?: number;
  @Field(() => Int, { nullable: true, description: '1 (most urgent) to 10' })
  priority?: number;
}
