import { ConfigurableModuleBuilder } from '@nestjs/common';

export interface OperationsModuleOptions {
  /** Bearer token required by `GET /metrics` (METRICS_TOKEN); unset: /metrics is open. */
  metricsToken?: string;
}

export const {
  ConfigurableModuleClass: ConfigurableOperationsModule,
  MODULE_OPTIONS_TOKEN: OPERATIONS_OPTIONS,
} = new ConfigurableModuleBuilder<OperationsModuleOptions>().setClassMethodName('forRoot').build();
