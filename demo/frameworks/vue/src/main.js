import { createApp } from 'vue';
import { defineInboxElement } from 'belfry/element';
import App from './App.vue';

defineInboxElement();
createApp(App).mount('#app');
