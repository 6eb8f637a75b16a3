// The logger type modules receive; app/logger.ts builds the one instance (redaction, serializers).
export type { Logger } from 'pino';
