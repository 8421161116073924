import { DOCUMENT } from '@angular/common';
import { computed, DestroyRef, inject, Injectable, InjectionToken, signal } from '@angular/core';
import type { AuthSession, Buyer } from '@gtd/shared-contracts';

/**
 * Where the buyer's token is kept: `sessionStorage`, on purpose.
 * - It survives a reload (a buyer who refreshes the drop page at the opening stays signed in) but
 *   not the tab: closing it signs out, so a shared or kiosk computer does not keep a stranger's
 *   purchasing session for days, and the token is not written to a profile that outlives the visit.
 * - It is per tab, so signing in as someone else in a second tab does not switch the first.
 * - Unlike a cookie it is never sent by the browser on its own, so no CSRF defence is needed; the
 *   price is that script on the page can read it, which is why the page loads no third-party
 *   script and the token is short-lived.
 * `null` where storage is unavailable (disabled, sandboxed): the session then lasts as long as the page.
 */
export const SESSION_STORAGE = new InjectionToken<Storage | null>('SESSION_STORAGE', {
  providedIn: 'root',
  factory: () => {
    try {
      return inject(DOCUMENT).defaultView?.sessionStorage ?? null;
    } catch {
      return null;
    }
  },
});

const STORAGE_KEY = 'gtd.buyer-session';

/**
 * Tokens are treated as expired this long before the server would: a request sent a moment before
 * the expiry could arrive after it.
 */
const EXPIRY_MARGIN_MS = 10_000;

/** setTimeout's largest delay; longer ones fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface StoredSession {
  readonly accessToken: string;
  readonly expiresAtMs: number;
  readonly buyer: Buyer;
}

function isStoredSession(value: unknown): value is StoredSession {
  const v = value as Partial<StoredSession> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.accessToken === 'string' &&
    typeof v.expiresAtMs === 'number' &&
    typeof v.buyer?.id === 'string' &&
    typeof v.buyer?.email === 'string'
  );
}

/** The signed-in buyer (or nobody) and their bearer token. */
@Injectable({ providedIn: 'root' })
export class BuyerSession {
  private readonly storage = inject(SESSION_STORAGE);
  private readonly current = signal<StoredSession | null>(null);
  private readonly expiredFlag = signal(false);
  private expiryTimer: ReturnType<typeof setTimeout> | undefined;

  /** The signed-in buyer, or `null`. */
  readonly buyer = computed<Buyer | null>(() => this.current()?.buyer ?? null);
  readonly signedIn = computed(() => this.current() !== null);
  /** `true` after the token ran out or the server refused it, until the next sign-in. */
  readonly expired = this.expiredFlag.asReadonly();

  constructor() {
    this.restore();
    inject(DestroyRef).onDestroy(() => clearTimeout(this.expiryTimer));
  }

  /** Keeps a fresh session from register or sign-in. */
  start(session: AuthSession): void {
    const stored: StoredSession = {
      accessToken: session.accessToken,
      expiresAtMs: Date.now() + session.expiresIn * 1000,
      buyer: session.buyer,
    };
    this.expiredFlag.set(false);
    this.write(stored);
    this.set(stored);
  }

  /** Forgets the token. JWTs are not revoked server-side; this tab simply stops sending it. */
  signOut(): void {
    this.expiredFlag.set(false);
    this.clear();
  }

  /** The bearer token to send, or `null`; a token past its expiry ends the session instead. */
  token(): string | null {
    const session = this.current();
    if (session && Date.now() >= session.expiresAtMs - EXPIRY_MARGIN_MS) {
      this.expire();
      return null;
    }
    return session?.accessToken ?? null;
  }

  /**
   * Ends the session because its token no longer works. With `token`, only if that is still the
   * current one: a late 401 for an old token must not sign out a buyer who has since signed in again.
   */
  expire(token?: string): void {
    const session = this.current();
    if (!session || (token !== undefined && session.accessToken !== token)) {
      return;
    }
    this.expiredFlag.set(true);
    this.clear();
  }

  private restore(): void {
    let raw: string | null = null;
    let stored: unknown = null;
    try {
      raw = this.storage?.getItem(STORAGE_KEY) ?? null;
      stored = raw === null ? null : JSON.parse(raw);
    } catch {
      stored = null;
    }
    if (isStoredSession(stored) && Date.now() < stored.expiresAtMs - EXPIRY_MARGIN_MS) {
      this.set(stored);
    } else if (raw !== null) {
      this.remove();
    }
  }

  private set(session: StoredSession | null): void {
    clearTimeout(this.expiryTimer);
    this.current.set(session);
    if (session) {
      // Shown as signed out when the token runs out, not only when the next request fails.
      const delay = session.expiresAtMs - EXPIRY_MARGIN_MS - Date.now();
      this.expiryTimer = setTimeout(
        () => (delay > MAX_TIMER_MS ? this.set(this.current()) : this.expire(session.accessToken)),
        Math.max(0, Math.min(delay, MAX_TIMER_MS)),
      );
    }
  }

  private clear(): void {
    this.set(null);
    this.remove();
  }

  private write(session: StoredSession): void {
    try {
      this.storage?.setItem(STORAGE_KEY, JSON.stringify(session));
    } catch {
      // Full or blocked storage: the session still works until the tab reloads.
    }
  }

  private remove(): void {
    try {
      this.storage?.removeItem(STORAGE_KEY);
    } catch {
      // Blocked storage: nothing was kept there either.
    }
  }
}
