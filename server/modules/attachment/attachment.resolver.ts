import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { AppContext } from '../../app/context';
import { TicketMessage } from '../ticket/ticket-message.entity';
import { Ticket } from '../ticket/ticket.entity';
import { Attachment } from './attachment.entity';

/** Where a file is downloaded: relative to the API's address, with the caller's own token. */
export function downloadPath(attachment: Attachment): string {
  return `/attachments/${attachment.globalId}`;
}

@Resolver(() => Attachment)
export class AttachmentResolver {
  @FieldResolver(() => String, {
    description:
      'Where to GET the file, relative to the API\'s address (e.g. /attachments/QXR0…), with the same "Authorization: Bearer" header as GraphQL calls.',
  })
  downloadUrl(@Root() attachment: Attachment): string {
    return downloadPath(attachment);
  }
}

@Resolver(() => Ticket)
export class TicketAttachmentResolver {
  @FieldResolver(() => [Attachment], {
    description:
      'Every file of the ticket you may see: those filed with it and those of its messages, oldest first. Merchants never see files of internal notes.',
  })
  attachments(@Root() ticket: Ticket, @Ctx() ctx: AppContext): Promise<Attachment[]> {
    return ctx.loaders.attachmentsOfTicket.load(ticket.id);
  }
}

@Resolver(() => TicketMessage)
export class TicketMessageAttachmentResolver {
  @FieldResolver(() => [Attachment], { description: 'The files sent with this message.' })
  attachments(@Root() message: TicketMessage, @Ctx() ctx: AppContext): Promise<Attachment[]> {
    return ctx.loaders.attachmentsOfMessage.load(message.id);
  }
}
