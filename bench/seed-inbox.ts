// Fills a user's inbox on a running service through its backend API (`PUT /v1/users`, then one
// trigger per notification), with notifications shaped like real ones: placeholders, formatting,
// categories, links. Shared by the browser benchmarks, which all render what this creates.

/** Where and as whom `seedInbox` triggers. */
export interface SeedTarget {
  /** The service's base URL, e.g. `http://127.0.0.1:4000`. */
  url: string;
  apiKey: string;
  apiSecret: string;
}

/**
 * Creates `userId` (first name Ada, English) and triggers `count` notifications to them, `parallel`
 * requests in flight (1 keeps the creation order exact). Rejects on the first answer that is not 2xx.
 */
export async function seedInbox(target: SeedTarget, userId: string, count: number, parallel = 1): Promise<void> {
  const headers = { 'X-API-Key': target.apiKey, 'X-API-Secret': target.apiSecret, 'Content-Type': 'application/json' };
  const send = async (method: string, path: string, body: unknown) => {
    const response = await fetch(`${target.url}${path}`, { method, headers, body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
    await response.arrayBuffer();
  };
  await send('PUT', `/v1/users/${encodeURIComponent(userId)}`, { firstName: 'Ada', locale: 'en' });
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const shipped = i % 2 === 1;
      await send('POST', '/v1/notifications', {
        notification: shipped
          ? { title: 'Hey <<recipient.firstName>>, order #<<data.order>> shipped', message: 'Your order **#<<data.order>>** is on its way to <<data.city>>.', category: 'orders', url: `https://app.example.com/orders/${i}` }
          : { title: '<<data.author>> commented on <<data.post>>', message: '*<<data.excerpt | truncate: 60>>*', category: 'comments' },
        data: shipped ? { order: 10000 + i, city: 'Lisbon' } : { author: 'Grace Hopper', post: `Compilers ${i}`, excerpt: 'Looks good to me, one question about the second paragraph though' },
        sendTo: { recipients: [userId] },
      });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(parallel, count)) }, worker));
}
