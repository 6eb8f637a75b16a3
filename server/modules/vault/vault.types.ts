import { IsOptional, MaxLength, ValidateNested } from 'class-validator';
import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { UserError } from '../../common/user-error';
import { StaffMember } from '../staff/staff-member.entity';
import { Ticket } from '../ticket/ticket.entity';
import { LIMITS } from './access-rules';
import { AccessSecretField, AccessVerificationOutcome, FileAuthMethod, FileProtocol } from './vault.enums';

// ---------- input: write-only ----------

@InputType({ description: "The store's admin login. Write-only: the password is never returned to the merchant." })
export class StoreAdminAccessInput {
  @Field(() => String, { description: "The admin page's web address, starting with https:// or http://." })
  @MaxLength(LIMITS.url)
  url!: string;

  @Field(() => String)
  @MaxLength(LIMITS.username)
  username!: string;

  @Field(() => String, { description: 'Write-only.' })
  @MaxLength(LIMITS.password)
  password!: string;
}

@InputType({ description: "Access to the store's files. Write-only: the password and key are never returned to the merchant." })
export class FileAccessInput {
  @Field(() => FileProtocol)
  protocol!: FileProtocol;

  @Field(() => String, { description: 'Host name or IP address, without ftp:// or a path.' })
  @MaxLength(LIMITS.host)
  host!: string;

  @Field(() => Int, { nullable: true, description: 'Defaults to 21 for FTP and FTPS (990 means implicit FTPS), 22 for SFTP.' })
  @IsOptional()
  port?: number | null;

  @Field(() => String)
  @MaxLength(LIMITS.username)
  username!: string;

  @Field(() => String, { nullable: true, description: 'Write-only. Required for FTP and FTPS; for SFTP, a password or a private key.' })
  @IsOptional()
  @MaxLength(LIMITS.password)
  password?: string | null;

  @Field(() => String, { nullable: true, description: 'Write-only. SFTP only: a private key in PEM or OpenSSH format.' })
  @IsOptional()
  @MaxLength(LIMITS.privateKey)
  privateKey?: string | null;

  @Field(() => String, { nullable: true, description: 'The folder OpenCart is installed in, e.g. /public_html. Defaults to /.' })
  @IsOptional()
  @MaxLength(LIMITS.rootPath)
  rootPath?: string | null;
}

@InputType({ description: 'Working store-admin and file access, as the support policy requires.' })
export class TicketAccessInput {
  @Field(() => StoreAdminAccessInput)
  @ValidateNested()
  storeAdmin!: StoreAdminAccessInput;

  @Field(() => FileAccessInput)
  @ValidateNested()
  fileAccess!: FileAccessInput;
}

@InputType()
export class TicketAccessProvideInput extends TicketAccessInput {
  @Field(() => ID)
  ticketId!: string;
}

@InputType()
export class TicketAccessRevealInput {
  @Field(() => ID)
  ticketId!: string;

  @Field(() => AccessSecretField, { description: 'The one secret to open; each reveal is recorded in the audit trail.' })
  field!: AccessSecretField;
}

// ---------- views: never a secret ----------

@ObjectType('StoreAdminAccess', { description: "Where and as whom staff log in to the store's admin (the password is never shown here)." })
export class StoreAdminAccessView {
  @Field(() => String) url!: string;
  @Field(() => String) username!: string;
}

@ObjectType('FileAccess', { description: "Where and as whom staff reach the store's files (the password or key is never shown here)." })
export class FileAccessView {
  @Field(() => FileProtocol) protocol!: FileProtocol;
  @Field(() => String) host!: string;
  @Field(() => Int) port!: number;
  @Field(() => String) username!: string;
  @Field(() => String) rootPath!: string;
  @Field(() => FileAuthMethod) authMethod!: FileAuthMethod;
}

@ObjectType('AccessVerification', { description: 'The last real login check of the file access. Nothing the server answered is kept.' })
export class AccessVerificationView {
  @Field(() => AccessVerificationOutcome) outcome!: AccessVerificationOutcome;
  @Field(() => Date) checkedAt!: Date;
}

@ObjectType('AccessReveal', { description: 'A staff member opened one secret of the access.' })
export class AccessRevealView {
  @Field(() => AccessSecretField) field!: AccessSecretField;
  @Field(() => Date) revealedAt!: Date;
  @Field(() => StaffMember, { nullable: true, description: 'Who opened it.' }) staffMember!: StaffMember | null;
}

@ObjectType('RevealedSecret', { description: 'One secret, for the staff member who asked. Do not copy it anywhere else.' })
export class RevealedSecret {
  @Field(() => AccessSecretField) field!: AccessSecretField;
  @Field(() => String) value!: string;
}

// ---------- payloads ----------

@ObjectType()
export class TicketAccessRevealPayload {
  @Field(() => RevealedSecret, { nullable: true })
  secret?: RevealedSecret | null;

  @Field(() => Ticket, { nullable: true })
  ticket?: Ticket | null;

  @Field(() => [UserError])
  userErrors: UserError[] = [];
}

@ObjectType()
export class TicketAccessVerifyPayload {
  @Field(() => AccessVerificationView, { nullable: true })
  verification?: AccessVerificationView | null;

  @Field(() => Ticket, { nullable: true })
  ticket?: Ticket | null;

  @Field(() => [UserError])
  userErrors: UserError[] = [];
}
