import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { notice, type Notice } from '../../common/notice';
import { DomainError, UserErrorCode, userError, type UserError } from '../../common/user-error';
import { audit } from '../audit/audit';
import { Customer } from '../customer/customer.entity';
import { StaffMember } from '../staff/staff-member.entity';
import type { TicketMessage } from '../ticket/ticket-message.entity';
import { AuthorKind } from '../ticket/ticket.enums';
import type { Ticket } from '../ticket/ticket.entity';
import { isCustomer, isStaff, type Viewer } from '../viewer/viewer';
import { ArchiveRefused, archiveBudget, isArchive, redactArchive } from './archive-redact';
import { ATTACHMENT_LIMITS } from './attachment-limits';
import { attachmentTotals, exactly, MiB } from './attachment-totals';
import { AttachmentStoreUnavailable, postgresAttachmentStorage, type AttachmentStorage } from './attachment-storage';
import { detectType } from './attachment-type';
import { Attachment } from './attachment.entity';
import type { AttachmentInput } from './attachment.types';
import { cleanFileName, decodeBase64 } from './file-name';
import { redactCredentials } from './redact';

/** Audit actions of attachments; the internal ones are staff-only like the notes they belong to. */
export const ATTACHMENT_ACTIONS = {
  added: 'ATTACHMENT_ADDED',
  internalAdded: 'INTERNAL_ATTACHMENT_ADDED',
  downloaded: 'ATTACHMENT_DOWNLOADED',
  internalDownloaded: 'INTERNAL_ATTACHMENT_DOWNLOADED',
} as const;

interface Prepared {
  fileName: string;
  bytes: Buffer;
  contentType: string;
  redactions: number;
}

export interface AttachTarget {
  ticket: Ticket;
  /** The message the files go with; null for files filed with the ticket. */
  message: TicketMessage | null;
}

/**
 * Checks and stores the files of one ticket or message inside the caller's transaction:
 * any refused file refuses the whole request (DomainError), so a ticket or reply is never
 * written without the files it was sent with, nor files without it.
 */
export class AttachmentService {
  constructor(
    private readonly em: EntityManager,
    private readonly viewer: Viewer,
    private readonly storage: AttachmentStorage = postgresAttachmentStorage,
  ) {}

  async attach(target: AttachTarget, files: AttachmentInput[] | null | undefined, field: string[]): Promise<{ attachments: Attachment[]; notices: Notice[] }> {
    if (!files?.length) return { attachments: [], notices: [] };
    const prepared = await this.prepare(files, field);
    await this.checkTicketTotals(target.ticket, prepared, field);

    const internal = target.message?.internal ?? false;
    const notices: Notice[] = [];
    const attachments: Attachment[] = [];
    for (const [position, file] of prepared.entries()) {
      const attachment = new Attachment();
      Object.assign(attachment, {
        ticket: target.ticket,
        message: target.message,
        internal,
        fileName: file.fileName,
        contentType: file.contentType,
        byteSize: file.bytes.length,
        redactions: file.redactions,
        position,
        storage: this.storage.name,
        sha256: createHash('sha256').update(file.bytes).digest('hex'),
        createdAt: target.message?.createdAt ?? target.ticket.createdAt,
      });
      this.setUploader(attachment);
      this.em.persist(attachment);
      await this.store(attachment, file.bytes, field);
      audit(this.em, this.viewer, {
        customerId: target.ticket.customer.id,
        ticket: target.ticket,
        action: internal ? ATTACHMENT_ACTIONS.internalAdded : ATTACHMENT_ACTIONS.added,
        details: {
          attachmentId: attachment.id,
          messageId: target.message?.id ?? null,
          contentType: file.contentType,
          byteSize: file.bytes.length,
          redactions: file.redactions,
        },
      });
      if (file.redactions > 0) {
        notices.push(
          notice(
            'CREDENTIALS_REDACTED',
            `${file.redactions} credential${file.redactions === 1 ? ' was' : 's were'} removed from ${file.fileName} before it was stored.`,
          ),
        );
      }
      attachments.push(attachment);
    }
    return { attachments, notices };
  }

  /** Every file decoded, typed from its bytes and redacted; all refusals reported at once. */
  private async prepare(files: AttachmentInput[], field: string[]): Promise<Prepared[]> {
    const errors: UserError[] = [];
    if (files.length > ATTACHMENT_LIMITS.messageFiles) {
      throw DomainError.of(UserErrorCode.ATTACHMENT_LIMIT_REACHED, `At most ${ATTACHMENT_LIMITS.messageFiles} files can go with one message.`, field);
    }
    const prepared: Prepared[] = [];
    const unpacking = archiveBudget();
    for (const [index, file] of files.entries()) {
      const at = [...field, String(index)];
      const fileName = cleanFileName(file.fileName);
      if (!fileName) {
        errors.push(userError(UserErrorCode.INVALID, 'Give the file a name.', [...at, 'fileName']));
        continue;
      }
      const bytes = decodeBase64(file.contentBase64);
      if (!bytes) {
        errors.push(userError(UserErrorCode.INVALID, `${fileName}: contentBase64 is not standard base64.`, [...at, 'contentBase64']));
        continue;
      }
      if (bytes.length === 0) {
        errors.push(userError(UserErrorCode.INVALID, `${fileName} is empty.`, [...at, 'contentBase64']));
        continue;
      }
      if (bytes.length > ATTACHMENT_LIMITS.fileBytes) {
        errors.push(
          userError(
            UserErrorCode.ATTACHMENT_TOO_LARGE,
            `${fileName} has ${exactly(bytes.length)}; a file may have at most ${exactly(ATTACHMENT_LIMITS.fileBytes)} (${MiB(ATTACHMENT_LIMITS.fileBytes)}).`,
            [...at, 'contentBase64'],
          ),
        );
        continue;
      }
      const type = await detectType(bytes);
      if (type.kind === 'refused') {
        errors.push(
          userError(
            UserErrorCode.ATTACHMENT_TYPE_NOT_ALLOWED,
            `${fileName} is ${type.found}, which cannot be attached: send images (PNG, JPEG, GIF, WebP, BMP), PDF, zip or gzip archives, or plain text.`,
            at,
          ),
        );
        continue;
      }
      let kept: Prepared;
      if (type.kind === 'text') {
        const redaction = redactCredentials(bytes.toString('utf8'));
        kept = { fileName, bytes: Buffer.from(redaction.text, 'utf8'), contentType: type.contentType, redactions: redaction.count };
      } else if (isArchive(type.contentType)) {
        // Logs sent zipped or gzipped are scanned like logs sent as they are (archive-redact.ts).
        try {
          const redaction = await redactArchive(bytes, type.contentType, unpacking);
          kept = { fileName, bytes: redaction.bytes, contentType: type.contentType, redactions: redaction.count };
        } catch (error) {
          if (!(error instanceof ArchiveRefused)) throw error;
          const code = error.reason === 'TOO_LARGE' ? UserErrorCode.ATTACHMENT_TOO_LARGE : UserErrorCode.ATTACHMENT_TYPE_NOT_ALLOWED;
          errors.push(userError(code, `${fileName} ${error.message}.`, at));
          continue;
        }
      } else {
        kept = { fileName, bytes, contentType: type.contentType, redactions: 0 };
      }
      // "[REDACTED]" can be longer than what it replaces: what is stored keeps to the per-file limit
      // too (the S3 store never reads an object past it).
      if (kept.bytes.length > ATTACHMENT_LIMITS.fileBytes) {
        errors.push(
          userError(
            UserErrorCode.ATTACHMENT_TOO_LARGE,
            `${fileName} has ${exactly(kept.bytes.length)} once its ${kept.redactions.toLocaleString('en-US')} credentials are replaced by [REDACTED]; a file may have at most ${exactly(ATTACHMENT_LIMITS.fileBytes)} (${MiB(ATTACHMENT_LIMITS.fileBytes)}): send it in parts.`,
            [...at, 'contentBase64'],
          ),
        );
        continue;
      }
      prepared.push(kept);
    }
    if (errors.length) throw new DomainError(errors);
    const total = prepared.reduce((sum, file) => sum + file.bytes.length, 0);
    if (total > ATTACHMENT_LIMITS.messageBytes) {
      throw DomainError.of(
        UserErrorCode.ATTACHMENT_TOO_LARGE,
        `These files have ${exactly(total)} together; one message may carry at most ${exactly(ATTACHMENT_LIMITS.messageBytes)} (${MiB(ATTACHMENT_LIMITS.messageBytes)}).`,
        field,
      );
    }
    return prepared;
  }

  /** The ticket's own limits, counted under the ticket's row lock taken by the caller. */
  private async checkTicketTotals(ticket: Ticket, prepared: Prepared[], field: string[]): Promise<void> {
    const now = await attachmentTotals(this.em, ticket.id);
    const files = now.files + prepared.length;
    const bytes = now.bytes + prepared.reduce((sum, file) => sum + file.bytes.length, 0);
    if (files > ATTACHMENT_LIMITS.ticketFiles) {
      throw DomainError.of(
        UserErrorCode.ATTACHMENT_LIMIT_REACHED,
        `${ticket.number} would have ${files} files; a ticket may have at most ${ATTACHMENT_LIMITS.ticketFiles}.`,
        field,
      );
    }
    if (bytes > ATTACHMENT_LIMITS.ticketBytes) {
      throw DomainError.of(
        UserErrorCode.ATTACHMENT_LIMIT_REACHED,
        `${ticket.number} would carry ${exactly(bytes)} of files; a ticket may carry at most ${exactly(ATTACHMENT_LIMITS.ticketBytes)} (${MiB(ATTACHMENT_LIMITS.ticketBytes)}).`,
        field,
      );
    }
  }

  /** A store that cannot take the file refuses the whole request: the caller's transaction rolls back. */
  private async store(attachment: Attachment, bytes: Buffer, field: string[]): Promise<void> {
    try {
      await this.storage.put(this.em, attachment, bytes);
    } catch (error) {
      if (!(error instanceof AttachmentStoreUnavailable)) throw error;
      throw DomainError.of(
        UserErrorCode.ATTACHMENT_STORE_UNAVAILABLE,
        'Files cannot be stored right now (the file store does not answer), so nothing was saved: send it again in a few minutes, or without its files.',
        field,
      );
    }
  }

  private setUploader(attachment: Attachment): void {
    if (isCustomer(this.viewer)) {
      attachment.uploaderKind = AuthorKind.CUSTOMER;
      attachment.uploaderCustomer = this.em.getReference(Customer, this.viewer.customerId);
    } else if (isStaff(this.viewer)) {
      attachment.uploaderKind = AuthorKind.STAFF;
      attachment.uploaderStaff = this.em.getReference(StaffMember, this.viewer.staffId);
    } else {
      attachment.uploaderKind = AuthorKind.SYSTEM;
    }
  }
}
