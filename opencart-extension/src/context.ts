// What every view gets: the module's endpoint, the bootstrap data and a few page helpers.
import type { ModuleEndpoint } from './endpoint';
import type { Html } from './html';

/** The JSON endpoint's "bootstrap" answer (module data, not GraphQL). */
export interface Bootstrap {
  settings: { endpoint: string; hasApiKey: boolean; apiKeyHint: string; status: boolean };
  canModify: boolean;
  timezone: string;
  line: '3.0' | '4.x' | null;
  platform: { platform: string; opencartVersion: string | null; platformVersion: string | null };
  accesses: TemporaryAccess[];
  /** Whether a temporary admin user can log in on this store; message says why not. */
  temporaryAdmin: { available: boolean; message: string | null };
  /** Bytes of files one submission may carry through this store's PHP (post_max_size); absent from older builds. */
  uploadBytes?: number;
}

export interface TemporaryAccess {
  ticketId: string;
  ticketNumber: string;
  username: string;
  createdAt: string;
  disabledAt: string | null;
  confirmedAt: string | null;
  /** The API's answer when it refused to hear that the user was disabled (not asked again). */
  confirmRefused?: string | null;
}

/** A temporary user the endpoint disabled while answering, because its ticket is finished. */
export interface DisabledNow {
  ticketNumber: string;
  username: string;
}

export interface Flash {
  kind: 'success' | 'warning' | 'danger' | 'info';
  message: Html | string;
}

export interface Context {
  endpoint: ModuleEndpoint;
  boot: Bootstrap;
  /** The admin's time zone: dates are shown in it. */
  timezone: string;
  main: HTMLElement;
  navigate(hash: string, flash?: Flash): void;
  /** Messages to show once on the next view. */
  takeFlash(): Flash[];
  refreshBootstrap(): Promise<void>;
  /** Temporary users disabled since the last call (the list or ticket page found their ticket finished). */
  takeDisabled(): DisabledNow[];
}
