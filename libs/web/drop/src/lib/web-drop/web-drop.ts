import { Component } from '@angular/core';

@Component({
  selector: 'lib-web-drop',
  imports: [],
  templateUrl: './web-drop.html',
  styleUrl: './web-drop.css',
})
export class WebDrop {}
