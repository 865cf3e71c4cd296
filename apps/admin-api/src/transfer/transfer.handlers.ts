import { HTTPException } from 'hono/http-exception';
import type { CacheTransfer } from '@semcache/shared';
import { audit } from '../audit.ts';
import type { AdminApp, FeatureDeps } from '../deps.ts';
import { BodyLines } from './body-lines.ts';
import { exportRoute, importRoute, JSONL, listImportsRoute } from './transfer.routes.ts';

/** Lines per chunk written: large enough to amortise a write, small enough to hold back for a slow reader. */
const LINES_PER_CHUNK = 64;

export interface TransferDeps {
  transfer: CacheTransfer;
  maxImportBytes: number;
}

export function registerTransfer(app: AdminApp, { logger }: FeatureDeps, { transfer, maxImportBytes }: TransferDeps): void {
  app.openapi(exportRoute, (c) => {
    const { namespace } = c.req.valid('param');
    const { vectors } = c.req.valid('query');
    const lines = transfer.exportNamespace(namespace, { vectors })[Symbol.iterator]();
    const encoder = new TextEncoder();
    // Pulled: the next lines are made only when the client has taken the previous ones.
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        let chunk = '';
        for (let i = 0; i < LINES_PER_CHUNK; i++) {
          const next = lines.next();
          if (next.done) {
            if (chunk !== '') controller.enqueue(encoder.encode(chunk));
            controller.close();
            return;
          }
          chunk += `${next.value}\n`;
        }
        controller.enqueue(encoder.encode(chunk));
      },
      cancel() {
        lines.return?.();
      },
    }, { highWaterMark: 1 });
    const file = namespace.replace(/[^\w.-]+/g, '_');
    return new Response(body, { status: 200, headers: { 'content-type': JSONL, 'content-disposition': `attachment; filename="${file}.jsonl"` } });
  });

  app.openapi(importRoute, async (c) => {
    const { namespace } = c.req.valid('param');
    const declared = Number(c.req.header('content-length'));
    if (declared > maxImportBytes) {
      throw new HTTPException(413, { message: `the body of ${declared} bytes is over the import limit of ${maxImportBytes} bytes (admin.maxImportBytes)` });
    }
    const lines = new BodyLines(c.req.raw.body, maxImportBytes);
    const { dryRun } = c.req.valid('query');
    const progress = await transfer.importNamespace(namespace, lines, c.get('actor').name, { dryRun });
    const { id, linesRead, imported, skipped, failed, recomputed } = progress;
    // A dry run changes nothing, so it is not an audited change.
    if (!dryRun) audit(logger, c, { action: 'namespace.import', namespace, importId: id, new: { linesRead, imported, skipped, failed, recomputed, state: progress.state } });
    if (lines.tooLarge) {
      throw new HTTPException(413, {
        message: `${progress.error ?? 'the body is too large'}: stopped after ${linesRead} entry lines; the ${imported} entries imported before it stay (import ${id})`,
      });
    }
    return c.json(progress, 200);
  });

  app.openapi(listImportsRoute, (c) => c.json({ items: transfer.listImports(c.req.valid('query').namespace) }, 200));
}
