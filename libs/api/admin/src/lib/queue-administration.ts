import { Inject, Injectable } from '@nestjs/common';
import { AdminQueue, QueueSettings, QueueStats } from '@gtd/shared-contracts';
import { CatalogueQueries, isoOrNull, QueueSettingsRecord, QueueStore } from '@gtd/api-inventory';
import { validationFailed } from '@gtd/api-platform';
import { QUEUE_DEFAULTS, QueueSettingsCache, QueueStatusBoard } from '@gtd/api-queue';
import { AuditAction, AuditLog, sentFields } from './audit-log';
import { QueueSettingsDto } from './queue-settings.dto';

const toSettings = (record: QueueSettingsRecord): QueueSettings => ({
  enabled: record.enabled,
  preQueueOpensAt: isoOrNull(record.preQueueOpensAtMs),
  order: record.order,
  admissionsPerMinute: record.admissionsPerMinute,
  stockMultiple: record.stockMultiple,
  passLifetimeSeconds: Math.round(record.passLifetimeMs / 1000),
  requireSignIn: record.requireSignIn,
  proofOfWork: record.proofOfWork,
  admissionsPaused: record.admissionsPaused,
});

/** A drop nobody set a queue up for: switched off, with the defaults it would start from. */
const unset = (productId: number): QueueSettingsRecord => ({ productId, enabled: false, ...QUEUE_DEFAULTS });

/**
 * The operator's side of the waiting room: its settings (validated across fields against the drop,
 * saved, seen at once by this instance and within a tick by every other), pause and resume of
 * admissions, and its figures. Every change is audited once it succeeded.
 */
@Injectable()
export class QueueAdministration {
  constructor(
    @Inject(QueueStore) private readonly store: QueueStore,
    private readonly catalogue: CatalogueQueries,
    private readonly cache: QueueSettingsCache,
    private readonly board: QueueStatusBoard,
    private readonly audit: AuditLog,
  ) {}

  async get(productId: number): Promise<AdminQueue> {
    await this.catalogue.productRecord(productId);
    return this.view((await this.store.settings(productId)) ?? unset(productId));
  }

  async put(productId: number, request: QueueSettingsDto, actor: string): Promise<AdminQueue> {
    const product = await this.catalogue.productRecord(productId);
    const preQueueOpensAtMs = request.preQueueOpensAt ? Date.parse(request.preQueueOpensAt) : null;
    if (preQueueOpensAtMs !== null && product.startsAtMs !== null && preQueueOpensAtMs > product.startsAtMs) {
      throw validationFailed([
        { field: 'preQueueOpensAt', messages: ['preQueueOpensAt must not be after the drop’s startsAt'] },
      ]);
    }
    const record: QueueSettingsRecord = {
      productId,
      enabled: request.enabled,
      preQueueOpensAtMs,
      order: request.order ?? QUEUE_DEFAULTS.order,
      admissionsPerMinute: request.admissionsPerMinute ?? null,
      stockMultiple: request.stockMultiple ?? QUEUE_DEFAULTS.stockMultiple,
      passLifetimeMs: (request.passLifetimeSeconds ?? QUEUE_DEFAULTS.passLifetimeMs / 1000) * 1000,
      requireSignIn: request.requireSignIn ?? QUEUE_DEFAULTS.requireSignIn,
      proofOfWork: request.proofOfWork ?? null,
      admissionsPaused: request.admissionsPaused ?? QUEUE_DEFAULTS.admissionsPaused,
    };
    const saved = await this.save(record);
    await this.audit.record(actor, AuditAction.queueUpdate, productId, sentFields(request));
    return this.view(saved);
  }

  pause(productId: number, actor: string): Promise<AdminQueue> {
    return this.setPaused(productId, true, actor);
  }

  resume(productId: number, actor: string): Promise<AdminQueue> {
    return this.setPaused(productId, false, actor);
  }

  /** The figures of an enabled queue (the summary's `queue`), else undefined. */
  async stats(productId: number): Promise<QueueStats | undefined> {
    const settings = await this.store.settings(productId);
    return settings?.enabled ? (await this.board.figures(settings)).stats : undefined;
  }

  private async setPaused(productId: number, admissionsPaused: boolean, actor: string): Promise<AdminQueue> {
    await this.catalogue.productRecord(productId);
    const current = await this.store.settings(productId);
    if (!current) {
      throw validationFailed([{ field: 'id', messages: ['this drop has no queue: PUT its settings first'] }]);
    }
    const saved = await this.save({ ...current, admissionsPaused });
    await this.audit.record(
      actor,
      admissionsPaused ? AuditAction.queuePause : AuditAction.queueResume,
      productId,
      {},
    );
    return this.view(saved);
  }

  private async save(record: QueueSettingsRecord): Promise<QueueSettingsRecord> {
    const saved = await this.store.saveSettings(record);
    this.cache.remember(saved);
    return saved;
  }

  private async view(record: QueueSettingsRecord): Promise<AdminQueue> {
    const { status, stats } = await this.board.figures(record);
    return { productId: record.productId, settings: toSettings(record), status, stats };
  }
}
