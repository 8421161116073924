import { inject, Injectable, signal } from '@angular/core';
import type { QueuePass, QueueTicket } from '@gtd/shared-contracts';
import { SESSION_STORAGE } from '../auth/buyer-session';

const TICKET_PREFIX = 'gtd.queue-ticket';
const PASS_PREFIX = 'gtd.queue-pass';

function storageKey(prefix: string, productId: number, buyerId: string | null): string {
  // A buyer id is a UUID, so it never reads "anonymous".
  return `${prefix}:${productId}:${buyerId ?? 'anonymous'}`;
}

function isTicketOf(value: unknown, productId: number): value is QueueTicket {
  const v = value as Partial<QueueTicket> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.ticket === 'string' &&
    v.ticket.length > 0 &&
    v.productId === productId &&
    (v.position === null || (Number.isInteger(v.position) && (v.position as number) > 0)) &&
    typeof v.preQueue === 'boolean'
  );
}

function isPassOf(value: unknown, productId: number): value is QueuePass {
  const v = value as Partial<QueuePass> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.pass === 'string' &&
    v.pass.length > 0 &&
    v.productId === productId &&
    Number.isInteger(v.position) &&
    typeof v.expiresAt === 'string' &&
    !Number.isNaN(Date.parse(v.expiresAt))
  );
}

/**
 * The waiting-room ticket and pass this tab holds, one of each per drop and buyer (`null`:
 * anonymous), kept in `sessionStorage` so a reload keeps the place in line and the turn. Per buyer
 * because a signed-in buyer's ticket and pass name them: under another buyer they are refused.
 * Where storage is unavailable they last as long as the page.
 */
@Injectable({ providedIn: 'root' })
export class QueueHoldings {
  private readonly storage = inject(SESSION_STORAGE);
  /** This page's word, over what storage holds (`null`: forgotten here, even if removing it failed). */
  private readonly memory = new Map<string, unknown>();
  private readonly changes = signal(0);

  /** The ticket held for the drop (reactive: read it in a computed). */
  ticket(productId: number, buyerId: string | null): QueueTicket | null {
    const held = this.read(storageKey(TICKET_PREFIX, productId, buyerId));
    return isTicketOf(held, productId) ? held : null;
  }

  setTicket(productId: number, buyerId: string | null, ticket: QueueTicket | null): void {
    this.write(storageKey(TICKET_PREFIX, productId, buyerId), ticket);
  }

  /** The pass held for the drop, expired or not (reactive). */
  pass(productId: number, buyerId: string | null): QueuePass | null {
    const held = this.read(storageKey(PASS_PREFIX, productId, buyerId));
    return isPassOf(held, productId) ? held : null;
  }

  /** The pass to send with `POST /buy` now: held and, by this clock, not run out. */
  validPass(productId: number, buyerId: string | null, nowMs = Date.now()): QueuePass | null {
    const pass = this.pass(productId, buyerId);
    return pass && Date.parse(pass.expiresAt) > nowMs ? pass : null;
  }

  setPass(productId: number, buyerId: string | null, pass: QueuePass | null): void {
    this.write(storageKey(PASS_PREFIX, productId, buyerId), pass);
  }

  private read(key: string): unknown {
    this.changes();
    if (this.memory.has(key)) {
      return this.memory.get(key);
    }
    try {
      const raw = this.storage?.getItem(key) ?? null;
      return raw === null ? null : JSON.parse(raw);
    } catch {
      return null;
    }
  }

  private write(key: string, value: unknown): void {
    this.memory.set(key, value);
    try {
      if (value === null) {
        this.storage?.removeItem(key);
      } else {
        this.storage?.setItem(key, JSON.stringify(value));
      }
    } catch {
      // Full or blocked storage: this page still remembers it until it is reloaded.
    }
    this.changes.update((n) => n + 1);
  }
}
