import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Logger } from '@marketbill/platform';
import type { StatementContent } from '../../domain/statement';
import type { SealImage } from '../seal-image-client';
import { checkStatementFontFiles, statementFontFiles } from './font-files';
import type { RenderedStatement } from './render-statement-pdf';
import type { RenderJob, RenderReply } from './render-worker';

/** Renders statement PDFs, on the main thread or on a pool of worker threads. */
export interface StatementRenderer {
  render(content: StatementContent, seal?: SealImage): Promise<RenderedStatement>;
  /** Where rendering runs: 0 = the main thread. */
  workers: number;
  close(): Promise<void>;
}

export interface StatementRendererOptions {
  /** Worker threads; 0 renders on the main thread. */
  workers: number;
  fonts: { regular?: string | undefined; bold?: string | undefined };
  /** A render that takes longer fails and its worker is replaced (default 30 s). */
  timeoutMs?: number;
  logger: Logger;
}

/**
 * The compiled worker script. Under Jest the sources run from src/ (SWC), where a worker thread
 * cannot load TypeScript; the build of the same file in dist/ is used then (`npm test` builds first).
 */
function workerScript(): string | undefined {
  const beside = path.join(__dirname, 'render-worker.js');
  if (existsSync(beside)) return beside;
  const built = path.resolve(__dirname, '..', '..', '..', 'dist', 'clients', 'statement-pdf', 'render-worker.js');
  return existsSync(built) ? built : undefined;
}

/**
 * Rendering on the main thread. pdfkit, fontkit and the two parsed faces are loaded with the first
 * statement, not at start-up: ≈ 10 MB of the idle process, ≈ 20 MB once the fonts are parsed (issue 13),
 * and a billing replica may go a long time without issuing one. The font files are checked now, so
 * a wrong path still stops the service at start-up; a file that is TrueType but unusable (no Hangul,
 * broken) fails every render, with the reason.
 */
function mainThreadRenderer(files: StatementRendererOptions['fonts']): StatementRenderer {
  const paths = statementFontFiles(files);
  checkStatementFontFiles(paths);
  let loaded: Promise<(content: StatementContent, seal?: SealImage) => Promise<RenderedStatement>> | undefined;
  const load = async () => {
    const [{ renderStatementPdf }, { loadStatementFonts }] = await Promise.all([import('./render-statement-pdf.js'), import('./statement-fonts.js')]);
    const fonts = loadStatementFonts(paths);
    return (content: StatementContent, seal?: SealImage) => renderStatementPdf(content, fonts, seal);
  };
  return {
    workers: 0,
    async render(content, seal) {
      // A failed load is tried again by the next render (a broken file fails again, with its reason).
      loaded ??= load().catch((error: unknown) => {
        loaded = undefined;
        throw error;
      });
      const render = await loaded;
      return render(content, seal);
    },
    close: async () => undefined,
  };
}

interface Slot {
  worker: Worker;
  pending: Map<number, { resolve: (r: RenderedStatement) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>;
}

/**
 * Rendering is pure CPU (≈ 6 ms for a page, most of it pdfkit, fontkit subsetting and zlib), and it
 * blocks the event loop that also serves HTTP, Kafka and the S3 upload. With workers, each thread
 * parses the fonts once and renders; the main thread keeps doing I/O, and a crash in a renderer
 * (pdfkit throws from callbacks on some broken images) costs a worker, never the service. Workers
 * cost memory (≈ 60 MB each), so the default is the main thread; see the README for the figures.
 */
export function createStatementRenderer(options: StatementRendererOptions): StatementRenderer {
  const log = options.logger.child({ component: 'statement-renderer' });
  const script = options.workers > 0 ? workerScript() : undefined;
  if (options.workers > 0 && !script) log.warn({ workers: options.workers }, 'render worker script not found; rendering on the main thread');
  if (!script || options.workers === 0) return mainThreadRenderer(options.fonts);

  const timeoutMs = options.timeoutMs ?? 30_000;
  const slots: Slot[] = [];
  let nextId = 1;
  let closing = false;

  function failAll(slot: Slot, error: Error): void {
    for (const job of slot.pending.values()) {
      clearTimeout(job.timer);
      job.reject(error);
    }
    slot.pending.clear();
  }

  function spawn(index: number): Slot {
    const worker = new Worker(script as string, { workerData: { fonts: options.fonts } });
    const slot: Slot = { worker, pending: new Map() };
    worker.unref();
    worker.on('message', (reply: RenderReply) => {
      const job = slot.pending.get(reply.id);
      if (!job) return;
      slot.pending.delete(reply.id);
      clearTimeout(job.timer);
      if ('error' in reply) job.reject(new Error(`rendering failed: ${reply.error}`));
      else job.resolve({ pdf: Buffer.from(reply.pdf.buffer, reply.pdf.byteOffset, reply.pdf.byteLength), pages: reply.pages, layout: reply.layout });
    });
    // The replacement is spawned at the first sign of trouble, so no new job reaches a dying worker.
    const retire = (error: Error) => {
      failAll(slot, error);
      if (!closing && slots[index] === slot) slots[index] = spawn(index);
    };
    worker.on('error', (error) => {
      log.error({ err: error, worker: index }, 'render worker crashed');
      retire(new Error(`render worker crashed: ${error.message}`));
    });
    worker.on('exit', (code) => retire(new Error(`render worker exited with ${code}`)));
    return slot;
  }

  for (let i = 0; i < options.workers; i++) slots.push(spawn(i));

  return {
    workers: options.workers,
    render(content, seal) {
      const slot = slots.reduce((best, s) => (s.pending.size < best.pending.size ? s : best), slots[0] as Slot);
      const id = nextId++;
      return new Promise<RenderedStatement>((resolve, reject) => {
        const timer = setTimeout(() => {
          slot.pending.delete(id);
          reject(new Error(`rendering took longer than ${timeoutMs} ms`));
          // A renderer that hangs (an image that never finishes decoding) is replaced at once.
          const index = slots.indexOf(slot);
          if (!closing && index >= 0) slots[index] = spawn(index);
          failAll(slot, new Error('render worker replaced after a time-out'));
          void slot.worker.terminate();
        }, timeoutMs);
        slot.pending.set(id, { resolve, reject, timer });
        slot.worker.postMessage({ id, content, seal } satisfies RenderJob);
      });
    },
    async close() {
      closing = true;
      await Promise.all(slots.map((s) => s.worker.terminate()));
    },
  };
}
