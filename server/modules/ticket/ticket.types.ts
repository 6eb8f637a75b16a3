// The ticket's GraphQL types, by concern; this file keeps the old import path working.
export { Notice, notice } from '../../common/notice';
export * from '../platform/platform.types';
export * from './coverage.types';
export * from './ticket-access.types';
export * from './ticket-decisions.types';
export * from './ticket-intake.types';
export * from './ticket-payload.types';
export * from './ticket-query.types';
export * from './ticket-sla.types';
export * from './ticket-work.types';
