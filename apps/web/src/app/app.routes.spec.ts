import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { ActivatedRouteSnapshot, provideRouter, Route, Router, Routes } from '@angular/router';
import { isStorefrontPage, STOREFRONT_PAGES } from '@gtd/shared-contracts';
import { appRoutes } from './app.routes';

/**
 * The API answers a navigation with 200 or 404 from STOREFRONT_PAGES (libs/shared/contracts), so
 * that list and this router must not drift: a page added here and not there would be served as a
 * 404 and the other way round.
 */

/** Anything the server cannot read from the patterns alone would make the list a guess. */
function refuseOpaque(route: Route): void {
  const opaque = (['matcher', 'canMatch'] as const).filter((key) => route[key]);
  if (opaque.length > 0) {
    throw new Error(
      `Route '${route.path}' uses ${opaque.join(', ')}: the API cannot tell its pages from its patterns`,
    );
  }
}

/** The route's children, a lazy route's loaded ones included (the spec awaits what the router would). */
async function childrenOf(route: Route): Promise<Routes | undefined> {
  if (route.children) return route.children;
  if (!route.loadChildren) return undefined;
  const loaded = await route.loadChildren();
  if (!Array.isArray(loaded)) {
    throw new Error(`Route '${route.path}' lazily loads a module, not a route list: the spec cannot walk it`);
  }
  return loaded;
}

/** The same tree with every lazy route's children loaded in place, so nothing is hidden from the checks. */
async function resolved(routes: Routes): Promise<Routes> {
  return Promise.all(
    routes.map(async (route) => {
      refuseOpaque(route);
      const children = await childrenOf(route);
      const rest: Route = { ...route };
      delete rest.loadChildren;
      return children ? { ...rest, children: await resolved(children) } : rest;
    }),
  );
}

/** Every full path pattern the router can land on, except the not-found wildcard. */
function pagePatterns(routes: Routes, parent = ''): string[] {
  return routes.flatMap((route) => {
    if (route.path === '**') return [];
    const path = [parent, route.path ?? ''].filter((part) => part !== '').join('/');
    return route.children ? pagePatterns(route.children, path) : [path];
  });
}

let routes: Routes;
beforeAll(async () => {
  routes = await resolved(appRoutes);
});

@Component({ template: '' })
class Stand {}

/** The same tree with every page replaced by an empty one: only the matching is under test. */
function matchingOnly(routes: Routes): Routes {
  return routes.map((route) => ({
    path: route.path,
    pathMatch: route.pathMatch,
    redirectTo: route.redirectTo,
    ...(route.redirectTo === undefined ? { component: Stand } : {}),
    ...(route.children ? { children: matchingOnly(route.children) } : {}),
  }));
}

function deepest(snapshot: ActivatedRouteSnapshot): ActivatedRouteSnapshot {
  return snapshot.firstChild ? deepest(snapshot.firstChild) : snapshot;
}

describe('the storefront pages the API knows', () => {
  it('are exactly the router’s pages', () => {
    expect([...new Set(pagePatterns(routes))].sort()).toEqual([...STOREFRONT_PAGES].sort());
  });

  it('have a not-found wildcard behind them, which the API answers with 404', () => {
    const wildcards = (routes: Routes): Route[] =>
      routes.flatMap((route) => [
        ...(route.path === '**' ? [route] : []),
        ...wildcards(route.children ?? []),
      ]);
    expect(wildcards(routes)).toHaveLength(1);
  });

  describe('are matched by isStorefrontPage as the router matches them', () => {
    const concrete = STOREFRONT_PAGES.map((pattern) => `/${pattern.replace(/:[^/]+/g, '1')}`);
    const urls = new Set([
      ...concrete,
      ...concrete.map((url) => `${url}/`),
      ...concrete.map((url) => `${url}?returnUrl=%2F`),
      ...concrete.filter((url) => url !== '/').map((url) => `${url}/extra`),
      '/drops',
      '/drops/1/2',
      '/drops/%31',
      '/sign%2Din',
      '/Sign-in',
      '/no/such/page',
      '/index',
      '/drops//1',
      '//',
      '//drops/1',
      '///',
    ]);

    beforeEach(() => TestBed.configureTestingModule({ providers: [provideRouter(matchingOnly(routes))] }));

    it.each([...urls])('%s', async (url) => {
      const router = TestBed.inject(Router);
      await router.navigateByUrl(url);
      const landed = deepest(router.routerState.snapshot.root).routeConfig?.path;
      expect(isStorefrontPage(url.split('?')[0])).toBe(landed !== '**');
    });
  });
});
