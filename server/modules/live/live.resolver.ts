import { GraphQLError } from 'graphql';
import { Arg, Authorized, Ctx, ID, Resolver, Root, Subscription, type PubSub } from 'type-graphql';
import type { AppContext } from '../../app/context';
import { idOfType } from '../../common/global-id';
import { Notification } from '../notification/notification.entity';
import { viewerRecipient } from '../notification/notification.service';
import type { StoredDomainEvent } from '../events/domain-event';
import { StaffTeam } from '../staff/staff-member.entity';
import { Ticket } from '../ticket/ticket.entity';
import { ticketScope } from '../ticket/ticket.scope';
import { Role } from '../viewer/viewer';
import { mayReceive } from './live-scope';
import { LiveEvent } from './live.types';

function hubOf(ctx: AppContext) {
  if (!ctx.live) throw new GraphQLError('Subscriptions are served over WebSocket (graphql-ws) on /graphql.', { extensions: { code: 'BAD_REQUEST' } });
  return ctx.live;
}

@Resolver(() => LiveEvent)
export class LiveResolver {
  @Authorized()
  @Subscription(() => LiveEvent, {
    description: "A ticket's events as they happen (replies, status, quotes, access …). Merchants: their own tickets, never staff-only events.",
    subscribe: async ({ args, context }) => {
      const ctx = context as AppContext;
      const hub = hubOf(ctx);
      const id = idOfType(String(args.ticketId), 'Ticket');
      // Scoped like node(id:): another merchant's ticket answers exactly like one that does not exist.
      const scope = ticketScope(ctx.viewer);
      const visible = id && scope && (await ctx.em.count(Ticket, { $and: [scope, { id }] }));
      if (!visible) throw new GraphQLError('No Ticket with this ID.', { extensions: { code: 'BAD_USER_INPUT', field: ['ticketId'] } });
      const viewer = ctx.viewer;
      return hub.subscribe((event) => event.ticketId === id && mayReceive(viewer, event));
    },
  })
  ticketEvents(@Arg('ticketId', () => ID) _ticketId: string, @Root() event: StoredDomainEvent): LiveEvent {
    return LiveEvent.of(event);
  }

  @Authorized(Role.AGENT)
  @Subscription(() => LiveEvent, {
    description: "Staff: the events of a team's queue as they happen (new tickets, replies, assignments, escalations …).",
    subscribe: ({ args, context }) => {
      const ctx = context as AppContext;
      const team = args.team as StaffTeam;
      const viewer = ctx.viewer;
      return hubOf(ctx).subscribe((event) => event.team === team && event.ticketId !== null && mayReceive(viewer, event));
    },
  })
  queueEvents(@Arg('team', () => StaffTeam) _team: StaffTeam, @Root() event: StoredDomainEvent): LiveEvent {
    return LiveEvent.of(event);
  }
  @Authorized()
  @Subscription(() => Notification, {
    description: "The viewer's new in-app notifications as they are written (the same items as `viewer.notifications`).",
    subscribe: ({ context }) => {
      const ctx = context as AppContext;
      const recipient = viewerRecipient(ctx.viewer);
      if (!recipient) throw new GraphQLError('Sign in first.', { extensions: { code: 'UNAUTHENTICATED' } });
      return hubOf(ctx).notificationsFor(recipient);
    },
  })
  async notificationAdded(@Root() notificationId: string, @Ctx() ctx: AppContext): Promise<Notification> {
    // A fresh read per item: a live operation's context lives as long as the subscription.
    return ctx.em.fork().findOneOrFail(Notification, { id: notificationId });
  }
}

/**
 * type-graphql asks for a PubSub as soon as the schema has subscriptions; ours never use topics
 * (each brings its own `subscribe`, fed by the LiveHub), so a topic subscription is a mistake.
 */
export const TOPICS_UNUSED: PubSub = {
  publish: () => {},
  subscribe: (topic) => {
    throw new Error(`subscription topic ${topic}: live subscriptions read the LiveHub through their own subscribe function`);
  },
};
