import { ConnectionType } from '../../common/connection';
import { AuditEvent } from './audit-event.entity';

export const AuditEventConnection = ConnectionType(AuditEvent, 'AuditEvent');

/**
 * Audit actions that are staff business: internal notes, and staff's updates (priority,
 * complexity, the facts that decide refunds). Merchants see every other entry.
 */
export const STAFF_ONLY_ACTIONS = ['INTERNAL_NOTE_ADDED', 'TICKET_UPDATED', 'INTERNAL_ATTACHMENT_ADDED', 'INTERNAL_ATTACHMENT_DOWNLOADED'] as const;
