import type { MikroORM } from '@mikro-orm/postgresql';
import type { Request, RequestHandler } from 'express';
import type { DateTime } from 'luxon';
import { fromGlobalId } from '../../common/global-id';
import { audit } from '../audit/audit';
import { authenticateRoute } from '../viewer/authenticate';
import { AttachmentStoreUnavailable, postgresAttachmentStorage, type AttachmentStorage } from './attachment-storage';
import { attachmentScope } from './attachment.scope';
import { Attachment } from './attachment.entity';
import { ATTACHMENT_ACTIONS } from './attachment.service';

/** RFC 5987 filename*: any name, quoted safely, plus an ASCII fallback for old clients. */
function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7E]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

/**
 * GET /attachments/:id with the caller's bearer token: the file, if the caller may see the
 * ticket (and, for an internal note's file, is staff). Anything else is the same 404, so an ID
 * says nothing about another merchant's files. Every download is audited.
 */
export function attachmentDownloadRoute(options: {
  orm: MikroORM;
  clock: () => DateTime;
  onAuthFailure: (req: Request) => Promise<void>;
  storage?: AttachmentStorage;
}): RequestHandler {
  const storage = options.storage ?? postgresAttachmentStorage;
  return async (req, res) => {
    res.setHeader('Cache-Control', 'private, no-store');
    const em = options.orm.em.fork();
    const signedIn = await authenticateRoute(em, req.headers.authorization, options.clock(), () => options.onAuthFailure(req));
    if ('unauthenticated' in signedIn) {
      res.status(401).json({ errors: [{ message: signedIn.unauthenticated, extensions: { code: 'UNAUTHENTICATED' } }] });
      return;
    }
    const { viewer } = signedIn;
    const decoded = fromGlobalId(String(req.params.id ?? ''));
    const scope = attachmentScope(viewer);
    const notFound = () => res.status(404).json({ errors: [{ message: 'No attachment with this ID.', extensions: { code: 'NOT_FOUND' } }] });
    if (!decoded || decoded.type !== 'Attachment' || !scope) return void notFound();

    const file = await em
      .transactional(async (tx) => {
        const attachment = await tx.findOne(Attachment, { $and: [scope, { id: decoded.id }] }, { populate: ['ticket'] });
        if (!attachment) return null;
        const bytes = await storage.get(tx, attachment);
        if (!bytes) return null;
        audit(tx, viewer, {
          customerId: attachment.ticket.customer.id,
          ticket: attachment.ticket,
          action: attachment.internal ? ATTACHMENT_ACTIONS.internalDownloaded : ATTACHMENT_ACTIONS.downloaded,
          details: { attachmentId: attachment.id },
        });
        return { attachment, bytes };
      })
      .catch((error: unknown) => {
        if (error instanceof AttachmentStoreUnavailable) return 'unavailable' as const;
        throw error;
      });
    if (file === 'unavailable') {
      res
        .status(503)
        .setHeader('Retry-After', '60')
        .json({
          errors: [{ message: 'The file store does not answer right now: try again in a minute.', extensions: { code: 'ATTACHMENT_STORE_UNAVAILABLE' } }],
        });
      return;
    }
    if (!file) return void notFound();
    res
      .status(200)
      .setHeader('Content-Type', file.attachment.contentType)
      .setHeader('Content-Length', String(file.bytes.length))
      .setHeader('Content-Disposition', contentDisposition(file.attachment.fileName))
      // Never rendered as a page by a browser, whatever the bytes hold.
      .setHeader('X-Content-Type-Options', 'nosniff')
      .setHeader('Content-Security-Policy', "default-src 'none'; sandbox")
      .end(file.bytes);
  };
}
