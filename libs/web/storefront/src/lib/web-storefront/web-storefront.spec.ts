import { ComponentFixture, TestBed } from '@angular/core/testing';
import { WebStorefront } from './web-storefront';

describe('WebStorefront', () => {
  let component: WebStorefront;
  let fixture: ComponentFixture<WebStorefront>;

  beforeEach(async () => {
    await TestBed.configureTestingModule({
      imports: [WebStorefront],
    }).compileComponents();

    fixture = TestBed.createComponent(WebStorefront);
    component = fixture.componentInstance;
    await fixture.whenStable();
  });

  it('should create', () => {
    expect(component).toBeTruthy();
  });
});
