import { ConnectionType } from '../../common/connection';
import { AuditEvent } from './audit-event.entity';

export const AuditEventConnection = ConnectionType(AuditEvent, 'AuditEvent');
