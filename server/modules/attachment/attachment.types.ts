import { Length, MaxLength } from 'class-validator';
import { Field, InputType } from 'type-graphql';
import { ATTACHMENT_LIMITS, MAX_BASE64_CHARACTERS } from './attachment-limits';

@InputType({
  description: `A file to attach, its bytes in base64. At most ${ATTACHMENT_LIMITS.fileBytes / 1024 / 1024} MiB a file; images, PDF, zip/gzip and plain text (logs, CSV, JSON, XML); credentials in text, also inside zip and gzip archives, are removed before it is stored.`,
})
export class AttachmentInput {
  @Field(() => String, { description: 'The file name, e.g. error.log (a folder in front is dropped).' })
  @Length(1, ATTACHMENT_LIMITS.fileNameCharacters, { message: `fileName must be 1 to ${ATTACHMENT_LIMITS.fileNameCharacters} characters` })
  fileName!: string;

  @Field(() => String, { description: 'The bytes in standard base64 (no line breaks).' })
  @MaxLength(MAX_BASE64_CHARACTERS, { message: `contentBase64 must be at most ${MAX_BASE64_CHARACTERS} characters (${ATTACHMENT_LIMITS.fileBytes} bytes)` })
  contentBase64!: string;
}
