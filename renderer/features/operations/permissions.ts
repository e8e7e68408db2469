/** What the signed-in user may do on an operation: asked of the shared rules, so the board offers only that (the hub still decides). */
import { checkOperationPermission, type OperationAction } from '../../../shared/domain/operations';
import type { Actor } from '../../../shared/domain/roles';
import type { Operation, OperationTask, User } from '../../../shared/protocol/entities';

export function actorOf(user: User | null): Actor | null {
  return user ? { userId: user.id, role: user.role, subdistricts: user.subdistricts, departmentCode: user.departmentCode ?? undefined } : null;
}

export function may(actor: Actor | null, action: OperationAction, op: Operation | null, task?: Pick<OperationTask, 'id' | 'department'>): boolean {
  if (!actor) return false;
  try {
    checkOperationPermission(actor, action, op, task);
    return true;
  } catch {
    return false;
  }
}
