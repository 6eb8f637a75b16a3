import type { StaffRole } from '../staff/staff-member.entity';

/** Who is calling, resolved once per request from the bearer token. */
export type Viewer = { kind: 'anonymous' } | { kind: 'customer'; customerId: string; apiKeyId: string } | { kind: 'staff'; staffId: string; role: StaffRole };

export const ANONYMOUS: Viewer = { kind: 'anonymous' };

export function isStaff(viewer: Viewer): viewer is Extract<Viewer, { kind: 'staff' }> {
  return viewer.kind === 'staff';
}

export function isAdmin(viewer: Viewer): boolean {
  return viewer.kind === 'staff' && viewer.role === 'ADMIN';
}

export function isCustomer(viewer: Viewer): viewer is Extract<Viewer, { kind: 'customer' }> {
  return viewer.kind === 'customer';
}

/** The roles used with @Authorized: ADMIN implies AGENT; CUSTOMER is a merchant API key. */
export enum Role {
  CUSTOMER = 'CUSTOMER',
  AGENT = 'AGENT',
  ADMIN = 'ADMIN',
}

export function viewerRoles(viewer: Viewer): Role[] {
  if (viewer.kind === 'customer') return [Role.CUSTOMER];
  if (viewer.kind === 'staff') return viewer.role === 'ADMIN' ? [Role.AGENT, Role.ADMIN] : [Role.AGENT];
  return [];
}
