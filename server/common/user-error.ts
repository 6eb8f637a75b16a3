import { Field, ObjectType, registerEnumType } from 'type-graphql';

/** Machine-readable reasons a mutation was refused; the message says it in words. */
export enum UserErrorCode {
  INVALID = 'INVALID',
  NOT_FOUND = 'NOT_FOUND',
  TAKEN = 'TAKEN',
  FORBIDDEN = 'FORBIDDEN',
  BANNED = 'BANNED',
  NO_ACTIVE_PLAN = 'NO_ACTIVE_PLAN',
  PLAN_EXPIRED = 'PLAN_EXPIRED',
  TICKET_LIMIT_REACHED = 'TICKET_LIMIT_REACHED',
  INVALID_TRANSITION = 'INVALID_TRANSITION',
  ACCESS_REQUIRED = 'ACCESS_REQUIRED',
  QUOTE_REQUIRED = 'QUOTE_REQUIRED',
  DECISION_REQUIRED = 'DECISION_REQUIRED',
  NOT_PENDING = 'NOT_PENDING',
  NOT_ELIGIBLE = 'NOT_ELIGIBLE',
  ALREADY_REFUNDED = 'ALREADY_REFUNDED',
  OUTSIDE_AGREEMENT = 'OUTSIDE_AGREEMENT',
  CLOSED = 'CLOSED',
  ACCESS_SHREDDED = 'ACCESS_SHREDDED',
  RATE_LIMITED = 'RATE_LIMITED',
  ATTACHMENT_TOO_LARGE = 'ATTACHMENT_TOO_LARGE',
  ATTACHMENT_LIMIT_REACHED = 'ATTACHMENT_LIMIT_REACHED',
  ATTACHMENT_TYPE_NOT_ALLOWED = 'ATTACHMENT_TYPE_NOT_ALLOWED',
  ATTACHMENT_STORE_UNAVAILABLE = 'ATTACHMENT_STORE_UNAVAILABLE',
}
registerEnumType(UserErrorCode, { name: 'UserErrorCode', description: 'Why a mutation was refused.' });

@ObjectType({ description: 'A domain reason a mutation did nothing. Nothing was written when any is returned.' })
export class UserError {
  @Field(() => [String], { nullable: true, description: 'Path to the input field at fault, e.g. ["input", "email"].' })
  field?: string[] | null;

  @Field(() => String)
  message!: string;

  @Field(() => UserErrorCode)
  code!: UserErrorCode;
}

export function userError(code: UserErrorCode, message: string, field?: string[]): UserError {
  return Object.assign(new UserError(), { code, message, field: field ?? null });
}

/** Thrown inside a service transaction to roll it back and report a user error. */
export class DomainError extends Error {
  constructor(readonly errors: UserError[]) {
    super(errors.map((e) => e.message).join('; '));
    this.name = 'DomainError';
  }
  static of(code: UserErrorCode, message: string, field?: string[]): DomainError {
    return new DomainError([userError(code, message, field)]);
  }
}
