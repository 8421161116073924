import { Inject, Injectable } from '@nestjs/common';
import {
  QUEUE_ORDER_BLOCK_SIZE,
  QueueChallenge,
  QueueOrderBlock,
  QueuePass,
  QueueTicket,
} from '@gtd/shared-contracts';
import { TaggedAnswer, validationFailed } from '@gtd/api-platform';
import { Clock, CLOCK, InventoryStore, ProductMapper, productNotFound, QueueStore } from '@gtd/api-inventory';
import { ProofOfWork } from './proof-of-work';
import {
  notYourTurn,
  passExpired,
  proofInvalid,
  proofRequired,
  queueClosed,
  queueNotDrawn,
  queueNotEnabled,
  signInToJoin,
  ticketInvalid,
} from './queue-errors';
import { QueuePositions } from './queue-positions';
import { queueStateOf } from './queue-rules';
import { QueueSettingsCache } from './queue-settings-cache';
import { QueueTokens, TicketClaims } from './queue-tokens';

/** A join's answer, and whether the buyer already held it (200 rather than 201). */
export interface JoinResult {
  ticket: QueueTicket;
  existing: boolean;
}

/**
 * A visitor's way through the waiting room: join (a signed ticket), learn the place once it is
 * drawn, and exchange the ticket for a pass when admission reaches it.
 */
@Injectable()
export class QueueService {
  /** `productId:block` → the block's prepared answer (a few KB each; a drawn order never changes). */
  private readonly preparedBlocks = new Map<string, TaggedAnswer>();

  constructor(
    @Inject(QueueStore) private readonly store: QueueStore,
    @Inject(InventoryStore) private readonly inventory: InventoryStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly products: ProductMapper,
    private readonly settingsCache: QueueSettingsCache,
    private readonly tokens: QueueTokens,
    private readonly positions: QueuePositions,
    private readonly proofOfWork: ProofOfWork,
  ) {}

  async challenge(productId: number): Promise<QueueChallenge> {
    const settings = await this.settingsCache.enabledOrRefuse(productId);
    if (settings.proofOfWork === null) throw queueNotEnabled(productId);
    return this.proofOfWork.challenge(productId, settings.proofOfWork);
  }

  async join(productId: number, buyerId: string | null, proof: string | undefined): Promise<JoinResult> {
    const settings = await this.settingsCache.enabledOrRefuse(productId);
    const snapshot = await this.inventory.inventory(productId);
    if (!snapshot) throw productNotFound(productId);
    const nowMs = this.clock.now();
    const dropState = this.products.stateOf(snapshot, nowMs);
    if (queueStateOf({ settings, dropState, nowMs }) === 'closed') {
      throw queueClosed(
        productId,
        dropState === 'ended'
          ? `The drop of product ${productId} has ended`
          : `The waiting room opens at ${new Date(settings.preQueueOpensAtMs ?? nowMs).toISOString()}`,
      );
    }
    if (settings.requireSignIn && buyerId === null) throw signInToJoin(productId);
    if (settings.proofOfWork !== null) {
      if (proof === undefined) throw proofRequired(productId);
      if (!(await this.proofOfWork.verify(productId, proof))) throw proofInvalid(productId);
    }
    const joined = await this.store.join(productId, buyerId, dropState === 'upcoming');
    const claims: TicketClaims = { productId, kind: joined.kind, n: joined.n, buyerId };
    return { ticket: await this.answer(claims), existing: joined.existing };
  }

  /** The ticket again, with its place once drawn. */
  async position(productId: number, ticket: string | undefined): Promise<QueueTicket> {
    await this.settingsCache.enabledOrRefuse(productId);
    return this.answer(this.claimsOf(productId, ticket));
  }

  /**
   * One block of the drawn order (see QueueOrderBlock), as bytes and a tag prepared once: it never
   * changes, so each instance builds each block once. 400 for a block past the pre-queue's end.
   */
  async orderBlock(productId: number, block: number): Promise<TaggedAnswer> {
    await this.settingsCache.enabledOrRefuse(productId);
    const key = `${productId}:${block}`;
    const prepared = this.preparedBlocks.get(key);
    if (prepared) return prepared;
    const progress = await this.store.progress(productId);
    const drawnCount = progress.drawnCount;
    if (drawnCount === null) throw queueNotDrawn(productId);
    const blocks = Math.ceil(drawnCount / QUEUE_ORDER_BLOCK_SIZE);
    if (block > blocks) {
      throw validationFailed([
        {
          field: 'block',
          messages: [`block must be at most ${blocks} (${drawnCount} joined the pre-queue)`],
        },
      ]);
    }
    const firstTicket = (block - 1) * QUEUE_ORDER_BLOCK_SIZE + 1;
    const through = Math.min(drawnCount, block * QUEUE_ORDER_BLOCK_SIZE);
    const positions = (await this.positions.placesOf(productId, firstTicket, through, progress)) ?? [];
    const answer: QueueOrderBlock = { productId, block, firstTicket, positions };
    // The drawn count names the draw: one drop is drawn once.
    const tagged = {
      body: Buffer.from(JSON.stringify(answer)),
      etag: `"${productId}-${block}-${drawnCount}"`,
    };
    this.preparedBlocks.set(key, tagged);
    return tagged;
  }

  /** A pass for an admitted ticket, valid until its admission plus the pass lifetime. */
  async pass(productId: number, ticket: string | undefined, buyerId: string | null): Promise<QueuePass> {
    const settings = await this.settingsCache.enabledOrRefuse(productId);
    const claims = this.claimsOf(productId, ticket);
    // A signed-in buyer's ticket is theirs alone: the pass would name them.
    if (claims.buyerId !== null && claims.buyerId !== buyerId) throw ticketInvalid(productId);
    const progress = await this.store.progress(productId);
    const position = await this.positions.positionOf(productId, claims, progress);
    if (position === null || position > progress.admitted)
      throw notYourTurn(productId, position, progress.admitted);
    const admittedAtMs = await this.store.admittedAt(productId, position);
    const expiresAtMs = (admittedAtMs ?? this.clock.now()) + settings.passLifetimeMs;
    if (this.clock.now() >= expiresAtMs) throw passExpired(productId, expiresAtMs);
    const pass = this.tokens.signPass({ productId, position, buyerId: claims.buyerId, expiresAtMs });
    return { pass, productId, position, expiresAt: new Date(expiresAtMs).toISOString() };
  }

  private async answer(claims: TicketClaims): Promise<QueueTicket> {
    const progress = await this.store.progress(claims.productId);
    return {
      ticket: this.tokens.signTicket(claims),
      productId: claims.productId,
      position: await this.positions.positionOf(claims.productId, claims, progress),
      preQueue: claims.kind === 'pre',
      number: claims.n,
    };
  }

  private claimsOf(productId: number, ticket: string | undefined): TicketClaims {
    const claims = ticket === undefined ? undefined : this.tokens.verifyTicket(ticket, productId);
    if (!claims) throw ticketInvalid(productId);
    return claims;
  }
}
