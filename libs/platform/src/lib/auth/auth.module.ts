import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { ServiceConfig } from '../config';
import { AccessGuard } from './access.guard';
import { ActorInterceptor } from './actor.interceptor';
import { AuditController } from './audit.controller';
import { authSettingsOf } from './auth.settings';
import { TokenVerifier } from './token-verifier';

/**
 * Access for every service: the bearer-token guard on every route, the actor on every change,
 * and `GET /tenants/{t}/audit`. Throws a ConfigError (naming the settings) when access is not
 * configured: a service never runs open.
 */
@Module({})
export class AuthModule {
  static forService(config: ServiceConfig): DynamicModule {
    const settings = authSettingsOf(config);
    const verifier = TokenVerifier.fromSettings(settings);
    return {
      module: AuthModule,
      controllers: [AuditController],
      providers: [
        { provide: TokenVerifier, useValue: verifier },
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_INTERCEPTOR, useClass: ActorInterceptor },
      ],
      exports: [TokenVerifier],
    };
  }
}
