import { Field, InputType, Int } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow } from 'class-validator';

/**
 * The scrape body. Every field is checked by parseScrapeRequest (one set of messages for
 * REST and GraphQL); the decorators here only describe it and let the fields through.
 */
@InputType('StartScrapeInput')
export class StartScrapeInput {
  @ApiProperty({ example: 'https://example.com/blog/' }) @Field() @Allow() url: string;
  @ApiPropertyOptional({ example: 'crawl', description: 'page (default) or crawl' }) @Field({ nullable: true }) @Allow() mode?: string;
  @ApiPropertyOptional({ example: 50, description: 'crawl: most pages stored, 1 to 10000 (default 50)' }) @Field(() => Int, { nullable: true }) @Allow() maxPages?: number;
  @ApiPropertyOptional({ example: 3, description: 'crawl: most links followed from the start URL (default 3)' }) @Field(() => Int, { nullable: true }) @Allow() maxDepth?: number;
  @ApiPropertyOptional({ example: ['/blog/**'], description: 'crawl: only paths matching one of these globs' })
  @Field(() => [String], { nullable: true })
  @Allow()
  includePaths?: string[];
  @ApiPropertyOptional({ example: ['/blog/drafts/**'], description: 'crawl: never paths matching these globs' })
  @Field(() => [String], { nullable: true })
  @Allow()
  excludePaths?: string[];
  @ApiPropertyOptional({ example: false, description: 'render in Chromium instead of plain HTTP' }) @Field({ nullable: true }) @Allow() render?: boolean;
  @ApiPropertyOptional({ example: true, description: 'obey robots.txt and its Crawl-delay (default true)' }) @Field({ nullable: true }) @Allow() respectRobots?: boolean;
  @ApiPropertyOptional({ example: ['markdown', 'links'], description: 'markdown, text, html, links (default markdown and links)' })
  @Field(() => [String], { nullable: true })
  @Allow()
  formats?: string[];
  @ApiPropertyOptional({ example: 5, description: 'pages fetched at once, 1 to 50 (default 5)' }) @Field(() => Int, { nullable: true }) @Allow() concurrency?: number;
  @ApiPropertyOptional({ example: 600000, description: 'the whole scrape, at most MAX_JOB_DURATION' }) @Field(() => Int, { nullable: true }) @Allow() timeoutMs?: number;
  @ApiPropertyOptional({ example: 5, description: '1 (most urgent) to 10' }) @Field(() => Int, { nullable: true }) @Allow() priority?: number;
}
