// The host page's own script: mounts <belfry-inbox> for the chosen user and wires the send form.
(async function demo() {
  const config = await (await fetch('/api/config')).json();
  const form = document.getElementById('send');
  const result = document.getElementById('result');
  const slot = document.getElementById('bell');
  const who = document.getElementById('who');

  function mountInbox(userId) {
    slot.replaceChildren();
    const inbox = document.createElement('belfry-inbox');
    inbox.setAttribute('api-key', config.apiKey);
    inbox.setAttribute('base-url', config.baseUrl);
    inbox.setAttribute('user-id', userId);
    slot.append(inbox);
    who.textContent = `Signed in as ${userId}`;
  }

  mountInbox(form.elements.userId.value);
  form.elements.userId.addEventListener('change', () => mountInbox(form.elements.userId.value));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const fields = form.elements;
    let data;
    try {
      data = JSON.parse(fields.data.value || '{}');
    } catch {
      result.textContent = 'Data must be JSON, e.g. {"order": 42}';
      return;
    }
    const response = await fetch('/api/send', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        userId: fields.userId.value,
        firstName: fields.firstName.value,
        title: fields.title.value,
        message: fields.message.value,
        data,
      }),
    });
    const answer = await response.json();
    result.textContent = response.ok
      ? `Sent: delivered to ${answer.delivered.join(', ') || 'nobody'}${answer.discarded.length ? `; discarded ${answer.discarded.map((d) => `${d.identifier} (${d.reason})`).join(', ')}` : ''}`
      : `Not sent: ${answer.error.message}`;
  });
})();
