import { TestBed } from '@angular/core/testing';
import { DROP_STATES } from '@gtd/shared-contracts';
import { DROP_STATE_LABELS, DropStateBadge } from './drop-state-badge';

describe('DropStateBadge', () => {
  it.each(DROP_STATES)('names the state %p in words, not colour alone', (state) => {
    const fixture = TestBed.createComponent(DropStateBadge);
    fixture.componentRef.setInput('state', state);
    fixture.detectChanges();
    const badge = (fixture.nativeElement as HTMLElement).querySelector('[data-testid="drop-state"]');
    expect(badge?.textContent?.trim()).toBe(DROP_STATE_LABELS[state]);
    expect(badge?.getAttribute('data-state')).toBe(state);
  });
});
