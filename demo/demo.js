// The host page's own script: signs in as the chosen user, mounts <belfry-inbox> for them in the
// development app or the secure-mode one, and wires the widget options and the send form.
import { applyControls, readControls, watchControls } from './controls.js';
import { bindSendForm } from './send.js';

const config = await (await fetch('/api/config')).json();
const controlsForm = document.getElementById('controls');
const sendForm = document.getElementById('send');
const who = document.getElementById('who');
const slots = { popover: document.getElementById('bell'), inline: document.getElementById('inline') };
let element = null;
let mountedApp = 'open';

/**
 * The widget's user token in secure mode: fresh from this page's backend, which signs it for the
 * signed-in user. The widget calls this again before the token expires and after a 401.
 */
async function getUserToken() {
  const response = await fetch('/api/token', { method: 'POST' });
  const answer = await response.json();
  if (!response.ok) throw new Error(answer.error.message);
  return answer.token;
}

// The same objects every time: the element compares what it passes to the inbox by identity.
const extraOptions = {
  open: { categories: config.categories },
  token: { categories: config.categories, getUserToken },
  'no-token': { categories: config.categories },
};

function place(controls) {
  slots.inline.hidden = controls.mode !== 'inline';
  const slot = slots[controls.mode];
  // Moving the element reconnects it, so only when it is not already there.
  if (element.parentElement !== slot) slot.append(element);
}

function present() {
  const controls = readControls(controlsForm);
  applyControls(element, controls, extraOptions[controls.secure === 'off' ? 'open' : controls.secure]);
  place(controls);
}

/** Signs in as `userId` (the backend sets the session the token endpoint reads), then mounts a new widget. */
async function mount() {
  const userId = sendForm.elements.userId.value;
  await fetch('/api/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId }) });
  const { secure } = readControls(controlsForm);
  const app = secure === 'off' ? config.open : config.secure;
  element?.remove();
  element = document.createElement('belfry-inbox');
  element.setAttribute('api-key', app.apiKey);
  element.setAttribute('base-url', app.baseUrl);
  // In secure mode the service ignores a user named this way: without a token it answers
  // `user_token_required`, which the widget shows.
  if (secure !== 'token') element.setAttribute('user-id', userId);
  present();
  mountedApp = secure === 'off' ? 'open' : 'secure';
  who.textContent = `Signed in as ${userId}${secure === 'off' ? '' : ' · secure mode'}`;
}

watchControls(controlsForm, { onPresentation: present, onIdentity: mount });
sendForm.elements.userId.addEventListener('change', mount);
bindSendForm(sendForm, document.getElementById('result'), { categories: config.categories, currentApp: () => mountedApp });
await mount();
