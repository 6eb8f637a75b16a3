import { Arg, Args, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { AppContext } from '../../app/context';
import { ConnectionArgs } from '../../common/connection';
import { paginate } from '../../common/paginate';
import { Transactional } from '../../common/transaction';
import { Role } from '../viewer/viewer';
import { StaffMember, StaffRole } from './staff-member.entity';
import { StaffMemberConnection, StaffMemberCreateInput, StaffMemberPayload, StaffMemberUpdateInput, StaffTokenRotateInput } from './staff.types';

export { StaffMemberConnection, StaffMemberCreateInput, StaffMemberPayload, StaffMemberUpdateInput, StaffTokenRotateInput } from './staff.types';

@Resolver(() => StaffMember)
export class StaffResolver {
  @Authorized(Role.AGENT)
  @Query(() => StaffMemberConnection, { description: 'Staff only: the support team.' })
  staffMembers(@Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: AppContext) {
    return paginate(ctx.em, StaffMember, {}, args, [{ name: 'asc' }, { id: 'asc' }]);
  }

  @Authorized(Role.AGENT)
  @FieldResolver(() => String, { description: 'Staff only.' })
  email(@Root() staff: StaffMember) {
    return staff.email;
  }

  @Authorized(Role.AGENT)
  @FieldResolver(() => StaffRole, { description: 'Staff only.' })
  role(@Root() staff: StaffMember) {
    return staff.role;
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => StaffMemberPayload, { description: 'Create a staff account. Its token is returned once.' })
  @Transactional(StaffMemberPayload)
  staffMemberCreate(@Arg('input', () => StaffMemberCreateInput) input: StaffMemberCreateInput, @Ctx() ctx: AppContext) {
    return ctx.services.staff.create(input);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => StaffMemberPayload)
  @Transactional(StaffMemberPayload, { into: 'staffMember' })
  staffMemberUpdate(@Arg('input', () => StaffMemberUpdateInput) input: StaffMemberUpdateInput, @Ctx() ctx: AppContext) {
    return ctx.services.staff.update(input);
  }

  @Authorized(Role.AGENT)
  @Mutation(() => StaffMemberPayload, { description: 'Issue a new token; the old one stops working at once.' })
  @Transactional(StaffMemberPayload)
  staffTokenRotate(@Arg('input', () => StaffTokenRotateInput) input: StaffTokenRotateInput, @Ctx() ctx: AppContext) {
    return ctx.services.staff.rotateToken(input);
  }
}
