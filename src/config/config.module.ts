import { DynamicModule, Global, Module } from '@nestjs/common';
import { ConfigModule as NestConfigModule, ConfigService } from '@nestjs/config';
import { AppConfig, ENV } from './app-config.service';
import { Env, envSchema, parseEnv } from './env.schema';

/**
 * @nestjs/config validates the environment through our schema; AppConfig exposes the
 * typed result. `forRoot()` is called when the app module is built, after main has
 * loaded `.env` and failed fast on a bad value (NestConfigModule validates eagerly).
 */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(): DynamicModule {
    return {
      module: ConfigModule,
      imports: [
        NestConfigModule.forRoot({
          isGlobal: true,
          cache: true,
          ignoreEnvFile: true,
          validate: (raw) => parseEnv(raw as Record<string, string>),
        }),
      ],
      providers: [
        {
          provide: ENV,
          inject: [ConfigService],
          useFactory: (config: ConfigService): Env =>
            Object.fromEntries(Object.keys(envSchema.shape).map((key) => [key, config.get(key)])) as Env,
        },
        AppConfig,
      ],
      exports: [AppConfig, ENV],
    };
  }
}
