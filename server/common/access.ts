import { fromGlobalId } from './global-id';
import { DomainError, UserErrorCode } from './user-error';

/** Decodes a global ID of the expected type, or refuses with a userError naming the field. */
export function requireId(globalId: string | null | undefined, type: string, field: string[]): string {
  const decoded = globalId ? fromGlobalId(globalId) : null;
  if (!decoded || decoded.type !== type) {
    throw DomainError.of(UserErrorCode.NOT_FOUND, `No ${type} with this ID.`, field);
  }
  return decoded.id;
}
