import { ChangeDetectionStrategy, Component } from '@angular/core';
import { NotFound } from '@gtd/web-ui';

/**
 * The page for unknown addresses. A routed component's inputs are bound from the route (params,
 * data, query) by `withComponentInputBinding()`, and ones the route does not name are set to
 * `undefined`: routed directly, `NotFound` lost its default heading (an empty `<h1>`) and
 * `?heading=…` would have written any text into it. Wrapped, its inputs are this template's.
 */
@Component({
  selector: 'gtd-not-found-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [NotFound],
  template: `<gtd-not-found />`,
})
export class NotFoundPage {}
