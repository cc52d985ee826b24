import { Field, InputType, Int } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow } from 'class-validator';

/**
 * The scrape body. Every field is checked by parseScrapeRequest (one set of messages for
 * REST and GraphQL); the decorators here only describe it and let the fields through.
 */
@InputType('StartScrapeInput', { description: 'A scrape to queue, as the body of POST /api/scrapes' })
export class StartScrapeInput {
  @ApiProperty({ example: 'https://example.com/blog/' })
  @Field({ description: 'The page, or where a crawl starts' })
  @Allow()
  url: string;
  @ApiPropertyOptional({ example: 'crawl', description: 'page (default) or crawl' })
  @Field({ nullable: true, description: 'page (default) or crawl' })
  @Allow()
  mode?: string;
  @ApiPropertyOptional({ example: 50, description: 'crawl: most pages stored, 1 to 10000 (default 50)' })
  @Field(() => Int, { nullable: true, description: 'crawl: most pages stored, 1 to 10000 (default 50)' })
  @Allow()
  maxPages?: number;
  @ApiPropertyOptional({ example: 3, description: 'crawl: most links followed from the start URL (default 3)' })
  @Field(() => Int, { nullable: true, description: 'crawl: most links followed from the start URL (default 3)' })
  @Allow()
  maxDepth?: number;
  @ApiPropertyOptional({ example: ['/blog/**'], description: 'crawl: only paths matching one of these globs' })
  @Field(() => [String], { nullable: true, description: 'crawl: only paths matching one of these globs' })
  @Allow()
  includePaths?: string[];
  @ApiPropertyOptional({ example: ['/blog/drafts/**'], description: 'crawl: never paths matching these globs' })
  @Field(() => [String], { nullable: true, description: 'crawl: no paths matching one of these globs' })
  @Allow()
  excludePaths?: string[];
  @ApiPropertyOptional({ example: false, description: 'render in Chromium instead of plain HTTP' })
  @Field({ nullable: true, description: 'Render in Chromium instead of plain HTTP' })
  @Allow()
  render?: boolean;
  @ApiPropertyOptional({ example: true, description: 'obey robots.txt and its Crawl-delay (default true)' })
  @Field({ nullable: true, description: 'Obey robots.txt and its Crawl-delay (default true)' })
  @Allow()
  respectRobots?: boolean;
  @ApiPropertyOptional({
    example: ['markdown', 'links'],
    description: 'markdown, text, html, links (default markdown and links)',
  })
  @Field(() => [String], { nullable: true, description: 'What to keep of each page: markdown, text, html, links' })
  @Allow()
  formats?: string[];
  @ApiPropertyOptional({ example: 5, description: 'pages fetched at once, 1 to 50 (default 5)' })
  @Field(() => Int, { nullable: true, description: 'Pages fetched at once, 1 to 50 (default 5)' })
  @Allow()
  concurrency?: number;
  @ApiPropertyOptional({ example: 600000, description: 'the whole scrape, at most MAX_JOB_DURATION' })
  @Field(() => Int, {
    nullable: true,
    description: "The whole scrape's timeout in milliseconds, at most MAX_JOB_DURATION",
  })
  @Allow()
  timeoutMs?: number;
  @ApiPropertyOptional({ example: 5, description: '1 (most urgent) to 10' })
  @Field(() => Int, { nullable: true, description: '1 (most urgent) to 10' })
  @Allow()
  priority?: number;
}
