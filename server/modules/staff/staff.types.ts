import { IsEmail, IsOptional, Length, MaxLength } from 'class-validator';
import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { ConnectionType } from '../../common/connection';
import { UserError } from '../../common/user-error';
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
  @Field(() => ID, { nullable: true, description: "Admins may rotate anyone's token; staff rotate their own." })
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
