import { Module } from '@nestjs/common';
import { BrowserPool } from './browser-pool';
import { ScriptBrowser } from './script-browser';

/**
 * Worker side: one Chromium per worker process, its contexts each behind an egress proxy
 * of their own. Runs, scrapes with `render` and script runs import it; the first to ask
 * starts the browser.
 */
@Module({ providers: [BrowserPool, ScriptBrowser], exports: [BrowserPool, ScriptBrowser] })
export class BrowserModule {}
