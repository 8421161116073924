import { ConfigurableModuleBuilder } from '@nestjs/common';

export interface TicketsModuleOptions {
  /**
   * The Ed25519 private key tickets are signed with (TICKET_SIGNING_KEY): PKCS#8, as PEM or as the
   * base64 of its DER. Unset: one generated once and kept in the store, shared by every instance.
   */
  signingKey?: string;
}

export const { ConfigurableModuleClass: ConfigurableTicketsModule, MODULE_OPTIONS_TOKEN: TICKETS_OPTIONS } =
  new ConfigurableModuleBuilder<TicketsModuleOptions>().setClassMethodName('forRoot').build();
