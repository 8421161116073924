import { ComponentFixture, TestBed } from '@angular/core/testing';
import { WebDrop } from './web-drop';

describe('WebDrop', () => {
  let component: WebDrop;
  let fixture: ComponentFixture<WebDrop>;

  beforeEach(async () => {
    await TestBed.configureTestingModule({
      imports: [WebDrop],
    }).compileComponents();

    fixture = TestBed.createComponent(WebDrop);
    component = fixture.componentInstance;
    await fixture.whenStable();
  });

  it('should create', () => {
    expect(component).toBeTruthy();
  });
});
