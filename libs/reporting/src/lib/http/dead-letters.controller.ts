import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { OperatorOnly, ProblemException } from '@comms-credits/platform';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { DeadLettersService } from '../application/dead-letters.service';

export class DeadLettersQuery {
  @ApiPropertyOptional({ description: 'a topic of the contract (or its .dlt); all of them when absent' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  topic?: string;

  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit = 50;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  cursor?: string;
}

export class ReplayBody {
  @ApiPropertyOptional({ description: "the corrected message (a JSON event) to publish instead of the dead letter's payload" })
  @IsOptional()
  payload?: unknown;
}

function placeOf(partition: string, offset: string): [number, string] {
  const invalid = [];
  if (!/^\d{1,9}$/.test(partition)) invalid.push({ name: 'partition', reason: 'must be a partition number' });
  if (!/^\d{1,19}$/.test(offset)) invalid.push({ name: 'offset', reason: 'must be an offset (digits)' });
  if (invalid.length > 0) throw ProblemException.invalid(invalid);
  return [Number(partition), String(BigInt(offset))];
}

/**
 * Dead letters of every topic of the contract, for platform operators only (design.md
 * "Access": operators handle dead letters and replays; a tenant's token gets 403).
 */
@ApiTags('dead letters')
@Controller('dead-letters')
@OperatorOnly()
export class DeadLettersController {
  constructor(private readonly deadLetters: DeadLettersService) {}

  @Get()
  @ApiOperation({
    summary: 'Dead letters by topic, partition and offset (oldest first per partition), with their dlt-* headers and a payload preview; cursor-paginated',
  })
  list(@Query() query: DeadLettersQuery) {
    return this.deadLetters.list(query);
  }

  @Get(':topic/:partition/:offset')
  @ApiOperation({ summary: 'One dead letter: every header and the whole payload (JSON, text or base64)' })
  show(@Param('topic') topic: string, @Param('partition') partition: string, @Param('offset') offset: string) {
    return this.deadLetters.show(topic, ...placeOf(partition, offset));
  }

  @Post(':topic/:partition/:offset/replay')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Publish it again to its topic with its key and headers (or `payload` instead of its value); recorded with the operator in the audit',
  })
  replay(@Param('topic') topic: string, @Param('partition') partition: string, @Param('offset') offset: string, @Body() body: ReplayBody = {}) {
    return this.deadLetters.replay(topic, ...placeOf(partition, offset), body?.payload);
  }
}
