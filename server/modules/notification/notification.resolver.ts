import { Arg, Args, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import type { AppContext } from '../../app/context';
import { Transactional } from '../../common/transaction';
import { ViewerInfo } from '../viewer/viewer.types';
import {
  NotificationArgs,
  NotificationConnection,
  NotificationMarkAllReadInput,
  NotificationMarkReadInput,
  NotificationMarkReadPayload,
  NotificationPreferences,
  NotificationPreferencesPayload,
  NotificationPreferencesUpdateInput,
} from './notification.types';

@Resolver(() => ViewerInfo)
export class ViewerNotificationsResolver {
  @FieldResolver(() => NotificationConnection, {
    nullable: true,
    description: "The viewer's notifications (merchants and staff), newest first, with the unread count; null for anonymous callers.",
  })
  async notifications(@Root() _: ViewerInfo, @Args(() => NotificationArgs) args: NotificationArgs, @Ctx() ctx: AppContext) {
    if (ctx.viewer.kind === 'anonymous') return null;
    return ctx.services.notifications.list(args);
  }

  @FieldResolver(() => NotificationPreferences, { nullable: true, description: 'Which emails the viewer gets; null for anonymous callers.' })
  async notificationPreferences(@Root() _: ViewerInfo, @Ctx() ctx: AppContext) {
    if (ctx.viewer.kind === 'anonymous') return null;
    return ctx.services.notifications.preferences();
  }
}

@Resolver()
export class NotificationResolver {
  @Authorized()
  @Mutation(() => NotificationMarkReadPayload, { description: "Mark some of the viewer's notifications read." })
  @Transactional(NotificationMarkReadPayload)
  notificationMarkRead(@Arg('input', () => NotificationMarkReadInput) input: NotificationMarkReadInput, @Ctx() ctx: AppContext) {
    return ctx.services.notifications.markRead(input.ids);
  }

  @Authorized()
  @Mutation(() => NotificationMarkReadPayload, {
    description: 'Mark every notification of the viewer read (or those up to `before`, or those about one ticket).',
  })
  @Transactional(NotificationMarkReadPayload)
  notificationMarkAllRead(@Arg('input', () => NotificationMarkAllReadInput) input: NotificationMarkAllReadInput, @Ctx() ctx: AppContext) {
    return ctx.services.notifications.markAllRead(input.before ?? null, input.ticketId ?? null);
  }

  @Authorized()
  @Mutation(() => NotificationPreferencesPayload, { description: 'Choose which emails the viewer gets: some event types, all, or none.' })
  @Transactional(NotificationPreferencesPayload, { into: 'preferences' })
  notificationPreferencesUpdate(@Arg('input', () => NotificationPreferencesUpdateInput) input: NotificationPreferencesUpdateInput, @Ctx() ctx: AppContext) {
    return ctx.services.notifications.updatePreferences(input);
  }
}
