import { Global, Module } from '@nestjs/common';
import { ConfigModule as NestConfigModule, ConfigService } from '@nestjs/config';
import { AppConfig, ENV } from './app-config.service';
import { Env, envSchema, parseEnv } from './env.schema';

/**
 * @nestjs/config validates the environment through our schema (main.ts has already
 * loaded `.env` and failed fast on a bad value); AppConfig exposes the typed result.
 */
@Global()
@Module({
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
})
export class ConfigModule {}
