import { parentPort, workerData } from 'node:worker_threads';
import type { StatementContent } from '../../domain/statement';
import type { SealImage } from '../seal-image-client';
import { renderStatementPdf, type StatementLayout } from './render-statement-pdf';
import { loadStatementFonts } from './statement-fonts';

/** A render job as the pool posts it. */
export interface RenderJob {
  id: number;
  content: StatementContent;
  seal?: SealImage | undefined;
}

/** The worker's answer: the PDF, or why it failed. */
export type RenderReply = { id: number; pdf: Uint8Array; pages: number; layout: StatementLayout } | { id: number; error: string };

// A worker thread of the statement renderer: parses the fonts once, then renders what it is sent.
if (parentPort) {
  const port = parentPort;
  const fonts = loadStatementFonts((workerData as { fonts?: { regular?: string; bold?: string } } | undefined)?.fonts ?? {});
  port.on('message', (job: RenderJob) => {
    // Through a promise, so a synchronous throw is answered like an asynchronous one.
    Promise.resolve()
      .then(() => renderStatementPdf(job.content, fonts, job.seal))
      .then(
      ({ pdf, pages, layout }) => port.postMessage({ id: job.id, pdf, pages, layout } satisfies RenderReply),
      (error: unknown) => port.postMessage({ id: job.id, error: error instanceof Error ? error.message : String(error) } satisfies RenderReply),
    );
  });
}
