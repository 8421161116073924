import { inject } from '@angular/core';
import { CanActivateFn, Router } from '@angular/router';
import { CONSOLE_SIGN_IN, OperatorSession } from '@gtd/web-console-data-access';

/** A tab without the operator's token is sent to sign-in rather than shown pages that would all 401. */
export const operatorSignedIn: CanActivateFn = () =>
  inject(OperatorSession).signedIn() || inject(Router).parseUrl(CONSOLE_SIGN_IN);
