import { ConfigurableModuleBuilder } from '@nestjs/common';

export interface AdminModuleOptions {
  /** The operator's bearer token (ADMIN_TOKEN). Unset: every admin route answers 403 ADMIN_DISABLED. */
  adminToken?: string;
}

export const { ConfigurableModuleClass: ConfigurableAdminModule, MODULE_OPTIONS_TOKEN: ADMIN_OPTIONS } =
  new ConfigurableModuleBuilder<AdminModuleOptions>().setClassMethodName('forRoot').build();
