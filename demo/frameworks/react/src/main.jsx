import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { defineInboxElement } from 'belfry/element';
import { App } from './App.jsx';
import { config } from './config.js';

// Define <belfry-inbox> before React renders it, so React 19 sets `options` as a property.
defineInboxElement();

createRoot(document.getElementById('root')).render(
  <StrictMode>
    <App {...config} />
  </StrictMode>,
);
