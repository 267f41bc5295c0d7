import { useEffect, useRef, useState } from 'react';

// One object for every render: a new one would make the element apply its options again.
const INBOX_OPTIONS = { theme: 'light' };

// The app's own handler for Belfry's DOM events: React 19 passes properties to custom elements,
// and the events are plain CustomEvents, listened to on the element itself.
export function App({ baseUrl, apiKey, userId }) {
  const inboxRef = useRef(null);
  const [clicked, setClicked] = useState(null);
  const [received, setReceived] = useState(0);

  useEffect(() => {
    const element = inboxRef.current;
    const onClick = (event) => {
      event.preventDefault(); // stay in the app instead of following the notification's url
      setClicked(event.detail.title);
    };
    const onReceived = () => setReceived((count) => count + 1);
    element.addEventListener('belfry:notification-click', onClick);
    element.addEventListener('belfry:notification-received', onReceived);
    return () => {
      element.removeEventListener('belfry:notification-click', onClick);
      element.removeEventListener('belfry:notification-received', onReceived);
    };
  }, []);

  return (
    <main>
      <header>
        <h1>Belfry in React</h1>
        <belfry-inbox ref={inboxRef} api-key={apiKey} user-id={userId} base-url={baseUrl} options={INBOX_OPTIONS} />
      </header>
      <p role="status">{clicked === null ? 'Nothing clicked yet' : `Clicked: ${clicked}`}</p>
      <p>Received live: {received}</p>
    </main>
  );
}
