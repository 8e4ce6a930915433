// The signed-in user, shared by every view. It is loaded once at start from
// GET /me, set by sign-in and set-up, and cleared by sign-out or when any
// request finds the login gone (401).
import * as api from './api';
import { clearKeptData } from './offline.svelte';
import type { Me, Role } from './types';

type Status = 'loading' | 'signed-in' | 'signed-out' | 'unreachable';

class CurrentUser {
  me: Me | null = $state(null);
  status: Status = $state('loading');
  /** Why the user was signed out, when it was not their choice. */
  notice = $state('');
  /**
   * Signing out: from the first step on, nothing more is kept in this
   * browser for this sign-in (a note kept between clearing and signing out
   * would outlive it).
   */
  leaving = false;

  get user() {
    return this.me?.user ?? null;
  }

  has(role: Role): boolean {
    return this.me?.user.roles.includes(role) ?? false;
  }

  get isAdmin(): boolean {
    return this.has('admin');
  }

  async load(): Promise<void> {
    this.status = 'loading';
    try {
      this.set(await api.me());
    } catch (err) {
      if (err instanceof api.ApiError && err.status === 0) {
        this.status = 'unreachable';
        return;
      }
      this.set(null);
    }
  }

  async signIn(email: string, password: string): Promise<void> {
    this.set(await api.login(email, password));
  }

  async signOut(): Promise<void> {
    this.leaving = true;
    try {
      await api.logout();
    } finally {
      await clearKeptData();
      this.set(null);
    }
  }

  /** The server no longer knows this login: idle too long, or disabled. */
  expired(): void {
    if (this.me) this.notice = 'Your sign-in has ended. Please sign in again.';
    this.set(null);
  }

  set(me: Me | null): void {
    this.me = me;
    this.status = me ? 'signed-in' : 'signed-out';
    this.leaving = false;
    if (me) this.notice = '';
  }
}

export const currentUser = new CurrentUser();

api.onUnauthorized(() => currentUser.expired());
