import { provideZonelessChangeDetection } from '@angular/core';
import { bootstrapApplication } from '@angular/platform-browser';
import { defineInboxElement } from 'belfry/element';
import { AppComponent } from './app/app.component';

defineInboxElement();
bootstrapApplication(AppComponent, { providers: [provideZonelessChangeDetection()] }).catch((error: unknown) => {
  document.body.textContent = `The app could not start: ${String(error)}`;
});
