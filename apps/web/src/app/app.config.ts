import { provideHttpClient, withFetch, withInterceptors } from '@angular/common/http';
import { ApplicationConfig, provideBrowserGlobalErrorListeners } from '@angular/core';
import { provideRouter, withComponentInputBinding, withInMemoryScrolling } from '@angular/router';
import { bearerTokenInterceptor, provideStorefrontApi } from '@gtd/web-data-access';
import { appRoutes } from './app.routes';

export const appConfig: ApplicationConfig = {
  providers: [
    provideBrowserGlobalErrorListeners(),
    // The signed-in buyer's token on purchases (never on the public, CDN-cacheable reads).
    provideHttpClient(withFetch(), withInterceptors([bearerTokenInterceptor])),
    provideRouter(
      appRoutes,
      withComponentInputBinding(),
      withInMemoryScrolling({ scrollPositionRestoration: 'top' }),
    ),
    // Same origin: the API serves this build, and `nx serve web` proxies the API routes.
    provideStorefrontApi({ baseUrl: '', pollIntervalMs: 2000 }),
  ],
};
