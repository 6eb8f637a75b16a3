import { ApiError, runOperation } from './api';
import type { DashboardViewerQuery, DashboardViewerQueryVariables } from './generated/graphql';
import sessionDocument from '../graphql/session.graphql';

// sessionStorage: the token lives as long as this tab, is never written to a URL or a cookie.
const TOKEN_KEY = 'opencart-support-desk.dashboard.token';

export interface StaffSession {
  token: string;
  name: string;
  role: string;
  /** The support zone: days, weeks and months of the charts are cut in it. */
  zone: string;
}

export type SignInResult = { ok: true; session: StaffSession } | { ok: false; message: string };

export const MERCHANT_KEY_REFUSED =
  'This is a merchant API key (ocm_…), which opens one store’s own tickets. The dashboard shows the whole desk: sign in with a staff token (ocs_…).';

export function savedToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function forgetToken(): void {
  sessionStorage.removeItem(TOKEN_KEY);
}

/** Asks the server who the token belongs to; only staff are let in, and only then is the token kept. */
export async function signIn(token: string): Promise<SignInResult> {
  const trimmed = token.trim();
  if (!trimmed) return { ok: false, message: 'Paste your staff token first.' };
  let answer: DashboardViewerQuery;
  try {
    answer = await runOperation<DashboardViewerQuery, DashboardViewerQueryVariables>(sessionDocument, 'DashboardViewer', {}, trimmed);
  } catch (error) {
    if (error instanceof ApiError && error.code === 'UNAUTHENTICATED') {
      return { ok: false, message: 'This token is not valid: it may be mistyped, revoked or expired. Ask an admin for a new one (npm run admin:token).' };
    }
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  const { viewer, supportHours } = answer;
  if (viewer.kind === 'CUSTOMER') return { ok: false, message: MERCHANT_KEY_REFUSED };
  if (!viewer.staffMember) return { ok: false, message: 'This token does not belong to a staff member.' };
  sessionStorage.setItem(TOKEN_KEY, trimmed);
  return { ok: true, session: { token: trimmed, name: viewer.staffMember.name, role: viewer.staffMember.role, zone: supportHours.zone } };
}
