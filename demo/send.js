// The "Send a notification" form: posts to the demo's backend, which triggers the notification
// through the server SDK in the app the widget currently shows.

function describe(answer) {
  const discarded = answer.discarded.map((d) => `${d.identifier} (${d.reason})`).join(', ');
  return `Sent: delivered to ${answer.delivered.join(', ') || 'nobody'}${discarded ? `; discarded ${discarded}` : ''}`;
}

/** Wires `form` (with the `categories` as its category choices); `currentApp()` says "open" or "secure". */
export function bindSendForm(form, result, { categories, currentApp }) {
  for (const { id, label } of categories) form.elements.category.append(new Option(label, id));

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
        app: currentApp(),
        userId: fields.userId.value,
        firstName: fields.firstName.value,
        category: fields.category.value,
        title: fields.title.value,
        message: fields.message.value,
        data,
      }),
    });
    const answer = await response.json();
    result.textContent = response.ok ? describe(answer) : `Not sent: ${answer.error.message}`;
  });
}
