import { IsEmail, IsOptional, Length, MaxLength } from 'class-validator';
import { Arg, Args, Authorized, Ctx, Field, FieldResolver, ID, InputType, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import type { AppContext } from '../../app/context';
import { requireId } from '../../common/access';
import { ConnectionArgs, ConnectionType } from '../../common/connection';
import { runMutation } from '../../common/mutation';
import { paginate } from '../../common/paginate';
import { issueToken, STAFF_TOKEN_PREFIX } from '../../common/tokens';
import { DomainError, UserError, UserErrorCode } from '../../common/user-error';
import { isAdmin, isStaff, Role } from '../viewer/viewer';
import { countActiveAdmins, isActiveAdmin, lockAdminChanges } from './admin-guard';
import { StaffMember, StaffRole, StaffTeam } from './staff-member.entity';

export const StaffMemberConnection = ConnectionType(StaffMember, 'StaffMember');

@InputType()
export class StaffMemberCreateInput {
  @Field(() => String)
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254)
  email!: string;

  @Field(() => String)
  @Length(1, 120, { message: 'name must be 1 to 120 characters' })
  name!: string;

  @Field(() => StaffRole, { defaultValue: StaffRole.AGENT })
  role: StaffRole = StaffRole.AGENT;

  @Field(() => StaffTeam, { defaultValue: StaffTeam.SUPPORT })
  team: StaffTeam = StaffTeam.SUPPORT;
}

@InputType()
export class StaffMemberUpdateInput {
  @Field(() => ID)
  staffMemberId!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 120)
  name?: string | null;

  @Field(() => StaffRole, { nullable: true })
  @IsOptional()
  role?: StaffRole | null;

  @Field(() => StaffTeam, { nullable: true })
  @IsOptional()
  team?: StaffTeam | null;

  @Field(() => Boolean, { nullable: true, description: 'False disables the account and its token at once.' })
  @IsOptional()
  active?: boolean | null;
}

@InputType()
export class StaffTokenRotateInput {
  @Field(() => ID, { nullable: true, description: 'Admins may rotate anyone\'s token; staff rotate their own.' })
  @IsOptional()
  staffMemberId?: string | null;
}

@ObjectType()
export class StaffMemberPayload {
  @Field(() => StaffMember, { nullable: true })
  staffMember?: StaffMember | null;

  @Field(() => String, { nullable: true, description: 'The bearer token. Shown only in this response.' })
  token?: string | null;

  @Field(() => [UserError])
  userErrors: UserError[] = [];
}

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
  staffMemberCreate(@Arg('input', () => StaffMemberCreateInput) input: StaffMemberCreateInput, @Ctx() ctx: AppContext) {
    return runMutation(ctx.em, () => new StaffMemberPayload(), async (em) => {
      const email = input.email.trim().toLowerCase();
      if (await em.count(StaffMember, { email })) throw DomainError.of(UserErrorCode.TAKEN, 'A staff member with this email exists.', ['input', 'email']);
      const issued = issueToken(STAFF_TOKEN_PREFIX);
      const now = ctx.clock().toJSDate();
      const staffMember = em.create(StaffMember, { email, name: input.name.trim(), role: input.role, team: input.team, tokenHash: issued.hash, createdAt: now, updatedAt: now });
      return { staffMember, token: issued.token };
    });
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => StaffMemberPayload)
  staffMemberUpdate(@Arg('input', () => StaffMemberUpdateInput) input: StaffMemberUpdateInput, @Ctx() ctx: AppContext) {
    return runMutation(ctx.em, () => new StaffMemberPayload(), async (em) => {
      const id = requireId(input.staffMemberId, 'StaffMember', ['input', 'staffMemberId']);
      const demoting = (input.role != null && input.role !== StaffRole.ADMIN) || input.active === false;
      // Changes that can remove an admin take turns, so two admins demoting each other at once
      // (on any server process) cannot both see the other as the remaining one.
      if (demoting) {
        await lockAdminChanges(em);
        // A caller demoted while this request waited has lost the right to demote anyone.
        if (!isStaff(ctx.viewer) || !(await isActiveAdmin(em, ctx.viewer.staffId))) throw DomainError.of(UserErrorCode.FORBIDDEN, 'Only active admins change roles.');
      }
      const staffMember = await em.findOne(StaffMember, { id }, { refresh: true });
      if (!staffMember) throw DomainError.of(UserErrorCode.NOT_FOUND, 'No StaffMember with this ID.', ['input', 'staffMemberId']);
      if (demoting && staffMember.role === StaffRole.ADMIN && staffMember.active) {
        if ((await countActiveAdmins(em)) <= 1) throw DomainError.of(UserErrorCode.INVALID, 'This is the last active admin: appoint another first.', ['input', input.role != null && input.role !== StaffRole.ADMIN ? 'role' : 'active']);
      }
      if (input.name != null) staffMember.name = input.name.trim();
      if (input.role != null) staffMember.role = input.role;
      if (input.team != null) staffMember.team = input.team;
      if (input.active != null) staffMember.active = input.active;
      return { staffMember };
    });
  }

  @Authorized(Role.AGENT)
  @Mutation(() => StaffMemberPayload, { description: 'Issue a new token; the old one stops working at once.' })
  staffTokenRotate(@Arg('input', () => StaffTokenRotateInput) input: StaffTokenRotateInput, @Ctx() ctx: AppContext) {
    return runMutation(ctx.em, () => new StaffMemberPayload(), async (em) => {
      if (!isStaff(ctx.viewer)) throw DomainError.of(UserErrorCode.FORBIDDEN, 'Staff only.');
      const id = input.staffMemberId ? requireId(input.staffMemberId, 'StaffMember', ['input', 'staffMemberId']) : ctx.viewer.staffId;
      if (id !== ctx.viewer.staffId && !isAdmin(ctx.viewer)) {
        throw DomainError.of(UserErrorCode.FORBIDDEN, "Only admins rotate other people's tokens.", ['input', 'staffMemberId']);
      }
      const staffMember = await em.findOne(StaffMember, { id });
      if (!staffMember) throw DomainError.of(UserErrorCode.NOT_FOUND, 'No StaffMember with this ID.', ['input', 'staffMemberId']);
      const issued = issueToken(STAFF_TOKEN_PREFIX);
      staffMember.tokenHash = issued.hash;
      return { staffMember, token: issued.token };
    });
  }
}
