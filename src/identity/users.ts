/** User administration (create, list, change role, disable, reset password) and changing one's own password. */
import type { StoredUser } from '../storage/ports.js';
import { hashPassword, passwordProblem, verifyPassword } from './password.js';
import { atomically, checkUserRole, checkUsername, IdentityError, type Acting, type IdentityDeps } from './types.js';

function password(value: unknown): string {
  const problem = passwordProblem(value);
  if (problem) throw new IdentityError('invalid', 'identity.password.weak', problem, 'password');
  return value as string;
}

function view(u: StoredUser): StoredUser {
  return { id: u.id, username: u.username, role: u.role, disabled: u.disabled, created: u.created, updated: u.updated };
}

export class UserAdmin {
  private readonly now: () => number;

  constructor(private readonly deps: IdentityDeps) {
    this.now = deps.now ?? Date.now;
  }

  list(): StoredUser[] {
    return this.deps.users.list();
  }

  get(id: number): StoredUser {
    const user = this.deps.users.get(id);
    if (!user) throw new IdentityError('not_found', 'identity.user.not_found', 'user not found');
    return view(user);
  }

  async create(by: Acting, input: { username: unknown; role: unknown; password: unknown }): Promise<StoredUser> {
    const username = checkUsername(input.username);
    const role = checkUserRole(this.deps.policy, input.role);
    const hash = await hashPassword(password(input.password));
    if (this.deps.users.byUsername(username)) {
      throw new IdentityError('conflict', 'identity.user.exists', `user '${username}' already exists`, 'username');
    }
    return atomically(this.deps, () => {
      const user = this.deps.users.create({ username, role, passwordHash: hash }, this.now());
      this.deps.audit.record(by.actor, 'user.create', { type: 'user', id: String(user.id) }, null, view(user), ip(by));
      return user;
    });
  }

  /** Role and enabled changes; disabling ends the user's sessions. Nobody can demote or disable themselves. */
  update(by: Acting, id: number, patch: { role?: unknown; disabled?: unknown }): StoredUser {
    const before = this.get(id);
    const role = patch.role === undefined ? undefined : checkUserRole(this.deps.policy, patch.role);
    if (patch.disabled !== undefined && typeof patch.disabled !== 'boolean') {
      throw new IdentityError('invalid', 'identity.user.disabled', "'disabled' must be true or false", 'disabled');
    }
    const disabled = patch.disabled as boolean | undefined;
    if (role === undefined && disabled === undefined) {
      throw new IdentityError('invalid', 'identity.user.patch', "nothing to change: give 'role' and/or 'disabled'");
    }
    if (by.userId === id && ((role !== undefined && role !== before.role) || disabled === true)) {
      throw new IdentityError('forbidden', 'identity.user.self', 'you cannot change your own role or disable yourself');
    }
    const action = role !== undefined && role !== before.role ? 'user.role_change' : disabled !== undefined && disabled !== before.disabled ? (disabled ? 'user.disable' : 'user.enable') : 'user.update';
    return atomically(this.deps, () => {
      const after = this.deps.users.update(id, { ...(role === undefined ? {} : { role }), ...(disabled === undefined ? {} : { disabled }) }, this.now())!;
      if (disabled) this.deps.sessions.removeForUser(id);
      this.deps.audit.record(by.actor, action, { type: 'user', id: String(id) }, before, view(after), ip(by));
      return after;
    });
  }

  /** An admin sets a new password; every session of that user ends. */
  async resetPassword(by: Acting, id: number, next: unknown): Promise<void> {
    const before = this.get(id);
    const hash = await hashPassword(password(next));
    atomically(this.deps, () => {
      this.deps.users.update(id, { passwordHash: hash }, this.now());
      this.deps.sessions.removeForUser(id);
      this.deps.audit.record(by.actor, 'user.password_reset', { type: 'user', id: String(id) }, before, { ...before, password: 'changed' }, ip(by));
    });
  }

  /** A user changes their own password (the current one is required); their other sessions end. */
  async changeOwn(by: Acting, current: unknown, next: unknown, keepSession?: string): Promise<void> {
    if (by.userId === undefined) throw new IdentityError('forbidden', 'identity.password.no_user', 'only a user can change a password');
    const user = this.deps.users.get(by.userId);
    if (!user) throw new IdentityError('not_found', 'identity.user.not_found', 'user not found');
    if (typeof current !== 'string' || !(await verifyPassword(current, user.passwordHash))) {
      this.deps.audit.record(by.actor, 'user.password_change_failed', { type: 'user', id: String(user.id) }, null, null, ip(by));
      throw new IdentityError('forbidden', 'identity.password.current', 'current password is wrong', 'current');
    }
    const hash = await hashPassword(password(next));
    atomically(this.deps, () => {
      this.deps.users.update(user.id, { passwordHash: hash }, this.now());
      this.deps.sessions.removeForUser(user.id, keepSession);
      this.deps.audit.record(by.actor, 'user.password_change', { type: 'user', id: String(user.id) }, null, { password: 'changed' }, ip(by));
    });
  }
}

function ip(by: Acting): { ip?: string } {
  return by.ip === undefined ? {} : { ip: by.ip };
}
