import { ArrayMaxSize, MaxLength } from 'class-validator';
import { ArgsType, Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { ConnectionArgs, ConnectionType } from '../../common/connection';
import { UserError } from '../../common/user-error';
import { DomainEventType } from '../events/domain-event';
import { Notification } from './notification.entity';

const NotificationConnectionBase = ConnectionType(Notification, 'Notification');

@ObjectType('NotificationConnection', { description: "A page of the viewer's notifications, newest first (Relay connection)." })
export class NotificationConnection extends NotificationConnectionBase {
  @Field(() => Int, { description: "How many of the viewer's notifications are unread (all of them, not only this page)." })
  unreadCount!: number;
}

@ArgsType()
export class NotificationArgs extends ConnectionArgs {
  @Field(() => Boolean, { defaultValue: false, description: 'Only the unread ones.' })
  unreadOnly: boolean = false;
}

@InputType({ description: 'Notifications to mark read.' })
export class NotificationMarkReadInput {
  @Field(() => [ID], { description: 'Notification IDs. At most 100 items, each at most 100 characters.' })
  @ArrayMaxSize(100)
  @MaxLength(100, { each: true })
  ids!: string[];
}

@InputType({ description: 'Marks every notification of the viewer read, or those about one ticket.' })
export class NotificationMarkAllReadInput {
  @Field(() => Date, { nullable: true, description: 'Only those that happened at or before this instant (what the viewer has seen); default: all.' })
  before?: Date | null;

  @Field(() => ID, {
    nullable: true,
    description: 'Only those about this ticket (the viewer has just read it); default: every ticket. At most 100 characters.',
  })
  @MaxLength(100)
  ticketId?: string | null;
}

@ObjectType()
export class NotificationMarkReadPayload {
  @Field(() => [Notification])
  notifications: Notification[] = [];

  @Field(() => Int, { nullable: true, description: 'Unread notifications left.' })
  unreadCount: number | null = null;

  @Field(() => [UserError])
  userErrors: UserError[] = [];
}

@ObjectType({ description: 'Which emails a person gets. In-app notifications are always kept.' })
export class NotificationPreferences {
  @Field(() => Boolean, { description: 'false: no email at all.' })
  emailEnabled!: boolean;

  @Field(() => [DomainEventType], { nullable: true, description: 'The event types emailed; null: every one the person is told of.' })
  emailEventTypes!: DomainEventType[] | null;
}

@InputType()
export class NotificationPreferencesUpdateInput {
  @Field(() => Boolean, { nullable: true, description: 'false: no email at all; unset: unchanged.' })
  emailEnabled?: boolean | null;

  @Field(() => [DomainEventType], { nullable: true, description: 'The event types to email (an empty list: none); unset: unchanged. At most 50 items.' })
  @ArrayMaxSize(50)
  emailEventTypes?: DomainEventType[] | null;

  @Field(() => Boolean, { nullable: true, description: 'true: email every event type again (emailEventTypes back to null).' })
  allEventTypes?: boolean | null;
}

@ObjectType()
export class NotificationPreferencesPayload {
  @Field(() => NotificationPreferences, { nullable: true })
  preferences: NotificationPreferences | null = null;

  @Field(() => [UserError])
  userErrors: UserError[] = [];
}
