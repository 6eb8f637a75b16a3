import type { Platform } from '../platform/platform-rules';

/** What the OpenCart module reports about the store; stored as JSON on the ticket. */
export interface ReportedExtension {
  kind: 'EXTENSION' | 'MODIFICATION';
  code: string;
  name: string;
  version?: string | null;
  author?: string | null;
  targetLine?: string | null;
  evidence?: string | null;
}

export interface ReportedEnvironment {
  opencartVersion?: string | null;
  platform: Platform;
  platformVersion?: string | null;
  phpVersion?: string | null;
  phpExtensions?: string[] | null;
  webServer?: string | null;
  databaseServer?: string | null;
  storeUrl?: string | null;
  adminLanguage?: string | null;
  extensions?: ReportedExtension[] | null;
  errorLogExcerpt?: string | null;
}
