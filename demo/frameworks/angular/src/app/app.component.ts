import { Component, CUSTOM_ELEMENTS_SCHEMA, ElementRef, signal, viewChild, type AfterViewInit, type OnDestroy } from '@angular/core';
import type { BelfryInboxElement, InboxElementEventMap } from 'belfry/element';
import { config } from './config';

// <belfry-inbox> is a custom element: CUSTOM_ELEMENTS_SCHEMA lets the template use it. Angular's
// `(a:b)` event syntax reads a colon as a global target (window:, document:), so the app listens
// to Belfry's `belfry:*` events with addEventListener on the element.
@Component({
  selector: 'app-root',
  schemas: [CUSTOM_ELEMENTS_SCHEMA],
  template: `
    <main>
      <header>
        <h1>Belfry in Angular</h1>
        <belfry-inbox #inbox [attr.api-key]="config.apiKey" [attr.user-id]="config.userId" [attr.base-url]="config.baseUrl" [options]="{ theme: 'light' }"></belfry-inbox>
      </header>
      <p role="status">{{ clicked() === null ? 'Nothing clicked yet' : 'Clicked: ' + clicked() }}</p>
      <p>Received live: {{ received() }}</p>
    </main>
  `,
})
export class AppComponent implements AfterViewInit, OnDestroy {
  protected readonly config = config;
  protected readonly clicked = signal<string | null>(null);
  protected readonly received = signal(0);
  private readonly inbox = viewChild.required<ElementRef<BelfryInboxElement>>('inbox');

  private readonly onClick = (event: InboxElementEventMap['belfry:notification-click']) => {
    event.preventDefault(); // stay in the app instead of following the notification's url
    this.clicked.set(event.detail.title);
  };
  private readonly onReceived = () => this.received.update((count) => count + 1);

  ngAfterViewInit(): void {
    const element = this.inbox().nativeElement;
    element.addEventListener('belfry:notification-click', this.onClick);
    element.addEventListener('belfry:notification-received', this.onReceived);
  }

  ngOnDestroy(): void {
    const element = this.inbox().nativeElement;
    element.removeEventListener('belfry:notification-click', this.onClick);
    element.removeEventListener('belfry:notification-received', this.onReceived);
  }
}
