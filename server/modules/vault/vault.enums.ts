import { registerEnumType } from 'type-graphql';

/** How staff reach the store's files. */
export enum FileProtocol {
  FTP = 'FTP',
  FTPS = 'FTPS',
  SFTP = 'SFTP',
}
registerEnumType(FileProtocol, {
  name: 'FileProtocol',
  valuesConfig: {
    FTP: { description: 'Plain FTP (port 21 by default).' },
    FTPS: { description: 'FTP over TLS: explicit on any port, implicit on port 990.' },
    SFTP: { description: 'SSH file transfer (port 22 by default), with a password or a private key.' },
  },
});

export enum FileAuthMethod {
  PASSWORD = 'PASSWORD',
  PRIVATE_KEY = 'PRIVATE_KEY',
}
registerEnumType(FileAuthMethod, { name: 'FileAuthMethod', description: 'How the file access logs in (SFTP may use a private key).' });

/** Where the stored copy of the access stands. */
export enum StoredAccessState {
  STORED = 'STORED',
  SHRED_SCHEDULED = 'SHRED_SCHEDULED',
  SHREDDED = 'SHREDDED',
}
registerEnumType(StoredAccessState, {
  name: 'StoredAccessState',
  valuesConfig: {
    STORED: { description: 'Encrypted and usable by the staff working on the ticket.' },
    SHRED_SCHEDULED: { description: 'The ticket is resolved: the key that opens the access is destroyed at shredAfter.' },
    SHREDDED: { description: 'The key was destroyed: nobody, staff included, can read this access any more.' },
  },
});

export enum AccessVerificationOutcome {
  OK = 'OK',
  AUTH_FAILED = 'AUTH_FAILED',
  UNREACHABLE = 'UNREACHABLE',
}
registerEnumType(AccessVerificationOutcome, {
  name: 'AccessVerificationOutcome',
  valuesConfig: {
    OK: { description: 'The server accepted the login.' },
    AUTH_FAILED: { description: 'The server answered but refused the username, password or key.' },
    UNREACHABLE: { description: 'No login answer: the host did not resolve, refused or timed out, or TLS failed.' },
  },
});

/** The fields only staff can read, one at a time, through `ticketAccessReveal`. */
export enum AccessSecretField {
  STORE_ADMIN_PASSWORD = 'STORE_ADMIN_PASSWORD',
  FILE_PASSWORD = 'FILE_PASSWORD',
  FILE_PRIVATE_KEY = 'FILE_PRIVATE_KEY',
}
registerEnumType(AccessSecretField, {
  name: 'AccessSecretField',
  valuesConfig: {
    STORE_ADMIN_PASSWORD: { description: "The store admin's password." },
    FILE_PASSWORD: { description: 'The FTP, FTPS or SFTP password.' },
    FILE_PRIVATE_KEY: { description: 'The SFTP private key.' },
  },
});

export enum AccessShredReason {
  RESOLVED_DELAY_ELAPSED = 'RESOLVED_DELAY_ELAPSED',
  ACCESS_DISABLED = 'ACCESS_DISABLED',
  WITHDRAWN = 'WITHDRAWN',
  CUSTOMER_BANNED = 'CUSTOMER_BANNED',
  CUSTOMER_ERASED = 'CUSTOMER_ERASED',
}
registerEnumType(AccessShredReason, {
  name: 'AccessShredReason',
  valuesConfig: {
    RESOLVED_DELAY_ELAPSED: { description: 'The set number of days after the ticket was resolved (or closed) passed.' },
    ACCESS_DISABLED: { description: 'The merchant confirmed the temporary access was disabled.' },
    WITHDRAWN: { description: 'The merchant withdrew the access.' },
    CUSTOMER_BANNED: { description: 'The account was banned.' },
    CUSTOMER_ERASED: { description: "The customer's personal data was erased on request." },
  },
});
