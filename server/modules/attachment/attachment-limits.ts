/**
 * How much a ticket may carry. Sent as base64 inside a GraphQL request, one message's files
 * (at most MESSAGE_BYTES) make a request body of at most ~14 MB: see MAX_AUTHENTICATED_BODY.
 */
export const ATTACHMENT_LIMITS = {
  /** Bytes of one file. */
  fileBytes: 5 * 1024 * 1024,
  /** Files with one message (or with the ticket when it is filed). */
  messageFiles: 5,
  /** Bytes of all files with one message. */
  messageBytes: 10 * 1024 * 1024,
  /** Files on one ticket, its messages included. */
  ticketFiles: 30,
  /** Bytes of all files on one ticket. */
  ticketBytes: 50 * 1024 * 1024,
  /** Characters of a file name. */
  fileNameCharacters: 255,
} as const;

/** Base64 characters of the largest file (4 per 3 bytes, padded). */
export const MAX_BASE64_CHARACTERS = Math.ceil(ATTACHMENT_LIMITS.fileBytes / 3) * 4;

/** The largest JSON body /graphql reads from a caller with a token: one message's files in base64 and the rest. */
export const MAX_AUTHENTICATED_BODY = '15mb';
