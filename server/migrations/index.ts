import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261126022104_initial as M0 } from './Migration20261126022104_initial';
import { Migration20261126023135_vault as M1 } from './Migration20261126023135_vault';
import { Migration20261126025607_refund_one_per_month as M2 } from './Migration20261126025607_refund_one_per_month';
import { Migration20261126034640_vault_check_limit as M3 } from './Migration20261126034640_vault_check_limit';
import { Migration20261126041646_ticket_support_day as M4 } from './Migration20261126041646_ticket_support_day';
import { Migration20261203110646_rate_limit as M5 } from './Migration20261203110646_rate_limit';
import { Migration20261203115000_ticket_list_indexes as M6 } from './Migration20261203115000_ticket_list_indexes';
import { Migration20261203122300_ticket_withdrawn as M7 } from './Migration20261203122300_ticket_withdrawn';
import { Migration20261203123000_poorly_coded_module as M8 } from './Migration20261203123000_poorly_coded_module';
import { Migration20261203140000_outbox as Outbox } from './Migration20261203140000_outbox';
import { Migration20261203140500_ticket_search as MTicketSearch } from './Migration20261203140500_ticket_search';
import { Migration20261203141500_canned_reply as MCannedReply } from './Migration20261203141500_canned_reply';
import { Migration20261203142000_ticket_list_counts as MTicketListCounts } from './Migration20261203142000_ticket_list_counts';
import { Migration20261203143000_notifications as Notifications } from './Migration20261203143000_notifications';
import { Migration20261203143000_attachments as MAttachments } from './Migration20261203143000_attachments';
import { Migration20261203143500_ticket_filter_indexes as MTicketFilterIndexes } from './Migration20261203143500_ticket_filter_indexes';
import { Migration20261203144500_ticket_due_times as MTicketDueTimes } from './Migration20261203144500_ticket_due_times';
import { Migration20261203144500_ticket_merge as MTicketMerge } from './Migration20261203144500_ticket_merge';
import { Migration20261203150000_webhooks as MWebhooks } from './Migration20261203150000_webhooks';
import { Migration20261203150000_ticket_satisfaction as MTicketSatisfaction } from './Migration20261203150000_ticket_satisfaction';
import { Migration20261203150000_stats_allowance_index as MStatsAllowanceIndex } from './Migration20261203150000_stats_allowance_index';
import { Migration20261203151000_data_export as MDataExport } from './Migration20261203151000_data_export';
import { Migration20261203153000_personal_data as MPersonalData } from './Migration20261203153000_personal_data';
import { Migration20261203154000_notification_live as MNotificationLive } from './Migration20261203154000_notification_live';
import { Migration20261203170000_sla_escalation as MSlaEscalation } from './Migration20261203170000_sla_escalation';
import { Migration20261203171000_stats_rollups as MStatsRollups } from './Migration20261203171000_stats_rollups';
import { Migration20261203210000_credential_revoked as MCredentialRevoked } from './Migration20261203210000_credential_revoked';
import { Migration20261203211000_sla_escalation_catch_up as MSlaEscalationCatchUp } from './Migration20261203211000_sla_escalation_catch_up';
import { Migration20261203213000_stats_daily_rollups as MStatsDailyRollups } from './Migration20261203213000_stats_daily_rollups';
import { Migration20261203214500_stats_minutes_counts as MStatsMinutesCounts } from './Migration20261203214500_stats_minutes_counts';

/** Every committed migration, in the order of their timestamps. `npm run migration:create` appends to this list. */
export const MIGRATIONS: MigrationObject[] = [
  { name: 'Migration20261126022104_initial', class: M0 },
  { name: 'Migration20261126023135_vault', class: M1 },
  { name: 'Migration20261126025607_refund_one_per_month', class: M2 },
  { name: 'Migration20261126034640_vault_check_limit', class: M3 },
  { name: 'Migration20261126041646_ticket_support_day', class: M4 },
  { name: 'Migration20261203110646_rate_limit', class: M5 },
  { name: 'Migration20261203115000_ticket_list_indexes', class: M6 },
  { name: 'Migration20261203122300_ticket_withdrawn', class: M7 },
  { name: 'Migration20261203123000_poorly_coded_module', class: M8 },
  { name: 'Migration20261203140000_outbox', class: Outbox },
  { name: 'Migration20261203140500_ticket_search', class: MTicketSearch },
  { name: 'Migration20261203141500_canned_reply', class: MCannedReply },
  { name: 'Migration20261203142000_ticket_list_counts', class: MTicketListCounts },
  { name: 'Migration20261203143000_notifications', class: Notifications },
  { name: 'Migration20261203143000_attachments', class: MAttachments },
  { name: 'Migration20261203143500_ticket_filter_indexes', class: MTicketFilterIndexes },
  { name: 'Migration20261203144500_ticket_due_times', class: MTicketDueTimes },
  { name: 'Migration20261203144500_ticket_merge', class: MTicketMerge },
  { name: 'Migration20261203150000_webhooks', class: MWebhooks },
  { name: 'Migration20261203150000_ticket_satisfaction', class: MTicketSatisfaction },
  { name: 'Migration20261203150000_stats_allowance_index', class: MStatsAllowanceIndex },
  { name: 'Migration20261203151000_data_export', class: MDataExport },
  { name: 'Migration20261203153000_personal_data', class: MPersonalData },
  { name: 'Migration20261203154000_notification_live', class: MNotificationLive },
  { name: 'Migration20261203170000_sla_escalation', class: MSlaEscalation },
  { name: 'Migration20261203171000_stats_rollups', class: MStatsRollups },
  { name: 'Migration20261203210000_credential_revoked', class: MCredentialRevoked },
  { name: 'Migration20261203211000_sla_escalation_catch_up', class: MSlaEscalationCatchUp },
  { name: 'Migration20261203213000_stats_daily_rollups', class: MStatsDailyRollups },
  { name: 'Migration20261203214500_stats_minutes_counts', class: MStatsMinutesCounts },
];
