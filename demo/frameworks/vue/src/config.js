// Where the inbox connects: the page's query string (?baseUrl=&apiKey=&userId=) or defaults for
// a local `npx belfry-server serve`.
const query = new URLSearchParams(location.search);

export const config = {
  baseUrl: query.get('baseUrl') ?? 'http://127.0.0.1:3000',
  apiKey: query.get('apiKey') ?? 'pk_dev',
  userId: query.get('userId') ?? 'ada',
};
