import { Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { AppContext } from '../../app/context';
import { Customer } from '../customer/customer.entity';
import { StaffMember } from '../staff/staff-member.entity';
import { ViewerInfo, ViewerKind } from './viewer.types';

@Resolver(() => ViewerInfo)
export class ViewerResolver {
  @Query(() => ViewerInfo, { description: 'Who the bearer token belongs to.' })
  viewer(@Ctx() ctx: AppContext): ViewerInfo {
    const v = ctx.viewer;
    const kind =
      v.kind === 'customer' ? ViewerKind.CUSTOMER : v.kind === 'staff' ? (v.role === 'ADMIN' ? ViewerKind.ADMIN : ViewerKind.AGENT) : ViewerKind.ANONYMOUS;
    return { kind };
  }

  @FieldResolver(() => Customer, { nullable: true, description: 'The merchant account of a merchant API key.' })
  customer(@Root() _: ViewerInfo, @Ctx() ctx: AppContext) {
    return ctx.viewer.kind === 'customer' ? ctx.loaders.customer.load(ctx.viewer.customerId) : null;
  }

  @FieldResolver(() => StaffMember, { nullable: true, description: 'The staff member of a staff token.' })
  staffMember(@Root() _: ViewerInfo, @Ctx() ctx: AppContext) {
    return ctx.viewer.kind === 'staff' ? ctx.loaders.staff.load(ctx.viewer.staffId) : null;
  }
}
