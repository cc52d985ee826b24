import { Controller, Get, NotFoundException, Param, ParseUUIDPipe, Req, Res } from '@nestjs/common';
import { ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AcceptsBasicAuth } from '../../auth/basic-auth.decorator';
import { ProjectId } from '../../auth/principal.decorator';
import { ArtifactStore, readAll } from '../../artifacts/artifact-store';
import { ApiError, ApiFile } from '../../docs/api-responses';
import { runKey } from '../run-files';
import { artifactsExpired, RunsService } from '../runs.service';
import { sendStoredFile } from '../stored-file';
import { pristineFile } from './pristine-assets';
import { attachmentHeaders, REPORT_PAGE_HEADERS, traceViewerHeaders } from './report-headers';
import { REPORT_DATA_NAME, REPORT_DATA_FOLDER, REPORT_ZIP } from './report-layout';

/**
 * A script run's Playwright HTML report and trace viewer, for a browser (HTTP Basic auth with
 * an API key as the password): playwright-core's own report app and trace viewer, the run's
 * report data put into the app's page, and its attachments. Nothing the run's sandbox wrote is
 * served as it was written: see store-html-report.ts for what was kept, and report-headers.ts
 * for the policies each answer carries.
 */
@ApiTags('runs')
@Controller('runs')
export class RunReportController {
  constructor(
    private readonly store: ArtifactStore,
    private readonly runs: RunsService,
  ) {}

  @Get(':id/report')
  @AcceptsBasicAuth()
  @ApiResponse({ status: 301, description: 'To /api/runs/{id}/report/, where the report app finds its files' })
  @ApiError(404, 'No such run (a run of another project is not found either)')
  async toReport(
    @Param('id', new ParseUUIDPipe()) id: string,
    @ProjectId() projectId: string,
    @Res() reply: FastifyReply,
  ) {
    await this.runs.assertExists(id, projectId);
    // Relative, so it stays right behind a proxy that serves the API under a path prefix.
    return reply.code(301).header('Location', 'report/').send();
  }

  @Get(':id/report/*')
  @AcceptsBasicAuth()
  @ApiFile(
    "The run's Playwright HTML report (`/report/`), its files (`report.js`, `report.css`), its attachments (`data/<sha1>.<ext>`) and the trace viewer (`trace/index.html?trace=<URL of a data/ zip>`)",
    ['text/html', 'text/javascript', 'image/png', 'application/zip', 'video/webm'],
  )
  @ApiError(404, 'The run has no HTML report (a step run, or a script run that has not ended), or no such file')
  @ApiError(410, 'Its report was removed, ARTIFACT_RETENTION_DAYS after it ended (artifactsExpiredAt)')
  async reportFile(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Param('*') path: string,
    @ProjectId() projectId: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    // Another project's run has no report for this caller: the same answer as a run without one.
    const isStored = (await this.runs.exists(id, projectId)) && (await this.store.exists(runKey(id, REPORT_ZIP)));
    if (!isStored) {
      const expiredAt = await this.runs.artifactsExpiredAt(id, projectId);
      if (expiredAt) throw artifactsExpired(id, expiredAt);
      throw new NotFoundException(
        `Run ${id} has no HTML report: only a script run keeps one, once it has ended (a step run has artifacts instead)`,
      );
    }
    if (path === '' || path === 'index.html') return this.reportPage(id, reply);
    if (path.startsWith('data/')) {
      const name = path.slice('data/'.length);
      if (!REPORT_DATA_NAME.test(name)) throw new NotFoundException('The report has no such attachment');
      return sendStoredFile(
        reply,
        this.store,
        runKey(id, `${REPORT_DATA_FOLDER}/${name}`),
        attachmentHeaders(name),
        request.headers.range,
        'The report has no such attachment',
      );
    }
    const [folder, inside, headers] = path.startsWith('trace/')
      ? (['traceViewer', path.slice('trace/'.length), traceViewerHeaders(path.slice('trace/'.length))] as const)
      : (['htmlReport', path, REPORT_PAGE_HEADERS] as const);
    // The report app's own index.html is served only with the data put in (above).
    const file = inside === 'index.html' && folder === 'htmlReport' ? undefined : await pristineFile(folder, inside);
    if (!file) throw new NotFoundException('The report has no such file');
    return reply.headers(headers).type(file.contentType).send(file.body);
  }

  @Get(':id/trace/*')
  @AcceptsBasicAuth()
  @ApiFile(
    "Playwright's trace viewer (`/trace/index.html?trace=<URL of one of the run's trace artifacts>`), as playwright-core ships it, for any run with a trace: the dashboard's \"Open trace\"",
    ['text/html', 'text/javascript', 'text/css'],
  )
  @ApiError(404, 'No such run (a run of another project is not found either), or no such file of the viewer')
  async traceViewerFile(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Param('*') path: string,
    @ProjectId() projectId: string,
    @Res() reply: FastifyReply,
  ) {
    await this.runs.assertExists(id, projectId);
    // Served under the run's path so its service worker's scope is that run: the trace it
    // opens is fetched with the same credentials as the page, from this origin only.
    const inside = path === '' ? 'index.html' : path;
    const file = await pristineFile('traceViewer', inside);
    if (!file) throw new NotFoundException('The trace viewer has no such file');
    return reply.headers(traceViewerHeaders(inside)).type(file.contentType).send(file.body);
  }

  /**
   * The report app's page with the run's report data in the element the app reads it from.
   * The data goes in as base64 made here from the stored zip: letters, digits, `+/=` only,
   * so nothing in it can end the element or start another.
   */
  private async reportPage(id: string, reply: FastifyReply) {
    const page = await pristineFile('htmlReport', 'index.html');
    if (!page) throw new NotFoundException('playwright-core has no HTML report app');
    const zip = await this.store.get(runKey(id, REPORT_ZIP));
    if (!zip) throw new NotFoundException(`Run ${id} has no HTML report`);
    const data = (await readAll(zip)).toString('base64');
    const html = `${page.body.toString('utf8')}<template id="playwrightReportBase64">data:application/zip;base64,${data}</template>`;
    return reply.headers(REPORT_PAGE_HEADERS).type('text/html; charset=utf-8').send(html);
  }
}
