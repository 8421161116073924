import { Body, Controller, Get, HttpCode, HttpStatus, Post, Put } from '@nestjs/common';
import { AdminQueue } from '@gtd/shared-contracts';
import { OperatorApi } from './admin-token.guard';
import { Actor, ProductId, ProductRoute } from './operator-route';
import { QueueAdministration } from './queue-administration';
import { AdminQueueDto, QueueSettingsDto } from './queue-settings.dto';

/** The operator's waiting-room routes (bearer ADMIN_TOKEN); every change is audited. */
@OperatorApi()
@Controller('admin/products/:id/queue')
export class AdminQueueController {
  constructor(private readonly queues: QueueAdministration) {}

  @Get()
  @ProductRoute(
    {
      summary: 'A drop’s waiting room: its settings, its public status and its figures',
      description: 'A drop without one answers its defaults, `enabled: false`.',
    },
    AdminQueueDto,
  )
  get(@ProductId() id: number): Promise<AdminQueue> {
    return this.queues.get(id);
  }

  @Put()
  @ProductRoute(
    {
      summary: 'Set a drop’s waiting room up (or switch it off)',
      description:
        'The whole settings; members left out take their defaults. Counters, the drawn order and the cursor are kept. Other instances apply it within a second.',
    },
    AdminQueueDto,
    QueueSettingsDto,
  )
  put(
    @ProductId() id: number,
    @Body() request: QueueSettingsDto,
    @Actor() actor: string,
  ): Promise<AdminQueue> {
    return this.queues.put(id, request, actor);
  }

  @Post('pause')
  @HttpCode(HttpStatus.OK)
  @ProductRoute(
    {
      summary: 'Stop admitting',
      description: 'Waiting visitors keep their places; passes already given stay valid.',
    },
    AdminQueueDto,
  )
  pause(@ProductId() id: number, @Actor() actor: string): Promise<AdminQueue> {
    return this.queues.pause(id, actor);
  }

  @Post('resume')
  @HttpCode(HttpStatus.OK)
  @ProductRoute(
    { summary: 'Admit again', description: 'At the set rate, from where admission stopped.' },
    AdminQueueDto,
  )
  resume(@ProductId() id: number, @Actor() actor: string): Promise<AdminQueue> {
    return this.queues.resume(id, actor);
  }
}
