import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, ObjectType } from 'type-graphql';
import { toGlobalId } from '../../common/global-id';
import { DomainEventType, type StoredDomainEvent } from '../events/domain-event';

@ObjectType({ description: 'Something that just happened on the desk, as a live subscription delivers it (README, "Live updates").' })
export class LiveEvent {
  @Field(() => String, { description: "The event's id: increasing, and the same as a webhook body's `id`." })
  id!: string;

  @Field(() => DomainEventType)
  type!: DomainEventType;

  @Field(() => Date)
  occurredAt!: Date;

  @Field(() => ID, { nullable: true, description: 'The ticket it is about; fetch it with `node(id:)` for its new state.' })
  ticketId!: string | null;

  @Field(() => String, { nullable: true, description: "The ticket's team (SUPPORT or DEVELOPMENT)." })
  team!: string | null;

  @Field(() => String, { description: 'STAFF, MERCHANT or SYSTEM.' })
  actorKind!: string;

  @Field(() => Boolean, { description: 'Only staff receive these.' })
  staffOnly!: boolean;

  @Field(() => GraphQLJSONObject, { description: 'Facts of the event (ids, statuses, amounts); never a secret or an internal note.' })
  data!: Record<string, unknown>;

  static of(event: StoredDomainEvent): LiveEvent {
    return Object.assign(new LiveEvent(), {
      id: event.id,
      type: event.type,
      occurredAt: event.occurredAt,
      ticketId: event.ticketId ? toGlobalId('Ticket', event.ticketId) : null,
      team: event.team,
      actorKind: event.actor.kind,
      staffOnly: event.staffOnly,
      data: event.data,
    });
  }
}
