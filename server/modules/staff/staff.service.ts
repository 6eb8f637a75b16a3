import type { EntityManager } from '@mikro-orm/postgresql';
import type { DateTime } from 'luxon';
import { requireId } from '../../common/access';
import { issueToken, STAFF_TOKEN_PREFIX } from '../../common/tokens';
import { DomainError, UserErrorCode } from '../../common/user-error';
import { isAdmin, isStaff, type Viewer } from '../viewer/viewer';
import { countActiveAdmins, isActiveAdmin, lockAdminChanges } from './admin-guard';
import { StaffMember, StaffRole } from './staff-member.entity';
import type { StaffMemberCreateInput, StaffMemberUpdateInput, StaffTokenRotateInput } from './staff.types';

/** Staff accounts and their tokens. There is always at least one active admin. */
export class StaffService {
  constructor(
    private readonly em: EntityManager,
    private readonly deps: { viewer: Viewer; now: DateTime },
  ) {}

  async create(input: StaffMemberCreateInput): Promise<{ staffMember: StaffMember; token: string }> {
    const email = input.email.trim().toLowerCase();
    if (await this.em.count(StaffMember, { email })) throw DomainError.of(UserErrorCode.TAKEN, 'A staff member with this email exists.', ['input', 'email']);
    const issued = issueToken(STAFF_TOKEN_PREFIX);
    const now = this.deps.now.toJSDate();
    const staffMember = this.em.create(StaffMember, {
      email,
      name: input.name.trim(),
      role: input.role,
      team: input.team,
      tokenHash: issued.hash,
      createdAt: now,
      updatedAt: now,
    });
    return { staffMember, token: issued.token };
  }

  async update(input: StaffMemberUpdateInput): Promise<StaffMember> {
    const { em } = this;
    const { viewer } = this.deps;
    const id = requireId(input.staffMemberId, 'StaffMember', ['input', 'staffMemberId']);
    const demoting = (input.role != null && input.role !== StaffRole.ADMIN) || input.active === false;
    // Changes that can remove an admin take turns, so two admins demoting each other at once
    // (on any server process) cannot both see the other as the remaining one.
    if (demoting) {
      await lockAdminChanges(em);
      // A caller demoted while this request waited has lost the right to demote anyone.
      if (!isStaff(viewer) || !(await isActiveAdmin(em, viewer.staffId))) throw DomainError.of(UserErrorCode.FORBIDDEN, 'Only active admins change roles.');
    }
    const staffMember = await em.findOne(StaffMember, { id }, { refresh: true });
    if (!staffMember) throw DomainError.of(UserErrorCode.NOT_FOUND, 'No StaffMember with this ID.', ['input', 'staffMemberId']);
    if (demoting && staffMember.role === StaffRole.ADMIN && staffMember.active) {
      if ((await countActiveAdmins(em)) <= 1)
        throw DomainError.of(UserErrorCode.INVALID, 'This is the last active admin: appoint another first.', [
          'input',
          input.role != null && input.role !== StaffRole.ADMIN ? 'role' : 'active',
        ]);
    }
    if (input.name != null) staffMember.name = input.name.trim();
    if (input.role != null) staffMember.role = input.role;
    if (input.team != null) staffMember.team = input.team;
    if (input.active != null) staffMember.active = input.active;
    return staffMember;
  }

  async rotateToken(input: StaffTokenRotateInput): Promise<{ staffMember: StaffMember; token: string }> {
    const { viewer } = this.deps;
    if (!isStaff(viewer)) throw DomainError.of(UserErrorCode.FORBIDDEN, 'Staff only.');
    const id = input.staffMemberId ? requireId(input.staffMemberId, 'StaffMember', ['input', 'staffMemberId']) : viewer.staffId;
    if (id !== viewer.staffId && !isAdmin(viewer)) {
      throw DomainError.of(UserErrorCode.FORBIDDEN, "Only admins rotate other people's tokens.", ['input', 'staffMemberId']);
    }
    const staffMember = await this.em.findOne(StaffMember, { id });
    if (!staffMember) throw DomainError.of(UserErrorCode.NOT_FOUND, 'No StaffMember with this ID.', ['input', 'staffMemberId']);
    const issued = issueToken(STAFF_TOKEN_PREFIX);
    staffMember.tokenHash = issued.hash;
    return { staffMember, token: issued.token };
  }
}
