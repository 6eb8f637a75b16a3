import type { FieldReads } from '../../common/field-reads';

/** What each field of `StaffMember` reads, when a page joins the assignee (field-reads.ts). */
export const STAFF_MEMBER_FIELD_READS: FieldReads = {
  id: [],
  name: ['name'],
  email: ['email'],
  role: ['role'],
  team: ['team'],
  active: ['active'],
  createdAt: ['createdAt'],
  updatedAt: ['updatedAt'],
};
