import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ProblemException, orProblem } from '@comms-credits/platform';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import type { Response } from 'express';
import { WEBHOOK_EVENT_TYPES, WebhookEventType } from '../domain/webhook.events';
import { WebhooksService } from '../application/webhooks.service';

const WEBHOOK_ID = /^[A-Za-z0-9_-]{1,64}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export class PutWebhookBody {
  @ApiProperty({ example: 'https://hooks.example.com/comms-credits' })
  @IsString()
  @MaxLength(2048)
  url!: string;

  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(WEBHOOK_EVENT_TYPES.length)
  @IsIn(WEBHOOK_EVENT_TYPES, { each: true })
  events!: WebhookEventType[];

  @ApiProperty()
  @IsBoolean()
  enabled!: boolean;
}

export class DeliveriesQuery {
  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit = 50;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}T[\d:.]+Z_[0-9a-f-]{36}$/, { message: 'cursor must be the nextCursor of a previous page' })
  cursor?: string;
}

function checkId(name: string, value: string, pattern: RegExp): void {
  if (!pattern.test(value)) throw ProblemException.invalid([{ name, reason: `${name} must match ${pattern.source}` }]);
}

/** A tenant's webhook endpoints and their delivery logs (design.md, "Reporting service"). */
@ApiTags('webhooks')
@Controller('tenants/:tenantId/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Put(':webhookId')
  @ApiOperation({ summary: 'Create (201, with the signing secret, shown only now) or change (200) an endpoint' })
  async put(
    @Param('tenantId') tenantId: string,
    @Param('webhookId') webhookId: string,
    @Body() body: PutWebhookBody,
    @Res({ passthrough: true }) res: Response,
  ) {
    checkId('webhookId', webhookId, WEBHOOK_ID);
    const result = orProblem(await this.webhooks.put(tenantId, webhookId, body));
    res.status(result.created ? 201 : 200);
    return result.secret ? { ...result.webhook, secret: result.secret } : result.webhook;
  }

  @Get()
  @ApiOperation({ summary: "The tenant's endpoints (never their secrets)" })
  list(@Param('tenantId') tenantId: string) {
    return this.webhooks.list(tenantId);
  }

  @Delete(':webhookId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an endpoint; its pending deliveries are cancelled' })
  async delete(@Param('tenantId') tenantId: string, @Param('webhookId') webhookId: string): Promise<void> {
    checkId('webhookId', webhookId, WEBHOOK_ID);
    orProblem(await this.webhooks.delete(tenantId, webhookId));
  }

  @Get(':webhookId/deliveries')
  @ApiOperation({ summary: 'Deliveries newest first, each with its attempts (time, status code, error, duration)' })
  async deliveries(@Param('tenantId') tenantId: string, @Param('webhookId') webhookId: string, @Query() query: DeliveriesQuery) {
    checkId('webhookId', webhookId, WEBHOOK_ID);
    return orProblem(await this.webhooks.deliveries(tenantId, webhookId, query.limit, query.cursor));
  }

  @Post(':webhookId/deliveries/:deliveryId/resend')
  @HttpCode(202)
  @ApiOperation({ summary: 'Deliver again now (same message id, new signature and timestamp, a fresh 24 h of retries)' })
  async resend(@Param('tenantId') tenantId: string, @Param('webhookId') webhookId: string, @Param('deliveryId') deliveryId: string) {
    checkId('webhookId', webhookId, WEBHOOK_ID);
    checkId('deliveryId', deliveryId, UUID);
    return orProblem(await this.webhooks.resend(tenantId, webhookId, deliveryId));
  }
}
