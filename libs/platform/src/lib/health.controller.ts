import { Controller, Get, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import type { Response } from 'express';
import { Supervision } from '@comms-credits/messaging';
import { KafkaHealthIndicator } from './kafka.health';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly kafka: KafkaHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly supervision: Supervision,
  ) {}

  /** Answers as long as the process and its event loop do: a restart is the only cure when it doesn't. */
  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process and its event loop answer' })
  live() {
    return { status: 'ok', uptimeSeconds: Math.round(process.uptime()) };
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({
    summary: 'Readiness: the database and the broker answer, every consumer runs, the outbox relay is alive; 503 names the failed check',
  })
  ready(@Res({ passthrough: true }) response: Response) {
    return this.readiness(response);
  }

  @Get()
  @HealthCheck()
  @ApiOperation({ summary: 'Readiness, as GET /health/ready (kept for existing probes)' })
  check(@Res({ passthrough: true }) response: Response) {
    return this.readiness(response);
  }

  /**
   * Terminus' own 503 would go through the problem filter and lose which check failed; the
   * result is answered as it is instead, with `failed` listing the checks that are down.
   */
  private async readiness(response: Response): Promise<HealthCheckResult & { failed?: string[] }> {
    try {
      return await this.checks();
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      const result = error.getResponse() as HealthCheckResult;
      response.status(503);
      return { ...result, failed: Object.keys(result.error ?? {}) };
    }
  }

  private checks() {
    return this.health.check([
      () => this.database.pingCheck('database', { timeout: 3_000 }),
      () => this.kafka.check('kafka'),
      // One check per consumer and relay, named after it (`consumer:<group>`, `relay:outbox`).
      ...this.supervision.states().map(({ name, state }) => () => {
        const indicator = this.indicators.check(name);
        return state.up ? indicator.up(state.detail ? { detail: state.detail } : {}) : indicator.down({ message: state.detail ?? 'down' });
      }),
    ]);
  }
}
