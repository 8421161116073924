import { Component } from '@angular/core';

@Component({
  selector: 'lib-web-storefront',
  imports: [],
  templateUrl: './web-storefront.html',
  styleUrl: './web-storefront.css',
})
export class WebStorefront {}
