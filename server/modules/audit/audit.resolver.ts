import { GraphQLJSONObject } from 'graphql-scalars';
import { Authorized, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { AppContext } from '../../app/context';
import { StaffMember } from '../staff/staff-member.entity';
import { Role } from '../viewer/viewer';
import { AuditEvent } from './audit-event.entity';

@Resolver(() => AuditEvent)
export class AuditEventResolver {
  @FieldResolver(() => StaffMember, { nullable: true, description: 'The staff member who acted, if one did.' })
  async actorStaff(@Root() event: AuditEvent, @Ctx() ctx: AppContext) {
    return event.actorStaff ? ctx.loaders.staff.load(event.actorStaff.id) : null;
  }

  @Authorized(Role.AGENT)
  @FieldResolver(() => GraphQLJSONObject, { nullable: true, description: 'Staff only: the facts recorded with the event.' })
  details(@Root() event: AuditEvent) {
    return event.details ?? null;
  }
}
