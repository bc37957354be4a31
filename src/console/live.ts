import { useEffect, useRef } from 'preact/hooks';

/** A charger fact as /api/live pushes it (src/api/live/liveEvents.ts). */
export interface LiveEvent {
  chargerId: string;
  type: string;
  revision: number;
  at: string;
  fromCharger: boolean;
  data: Record<string, unknown>;
}

/**
 * Listens to the server's push channel (server-sent events, signed in by the cookie) while the
 * component is shown: all chargers of the tenant, or one. No polling: the browser reconnects by
 * itself, and `onOpen` lets a page read again what it may have missed meanwhile.
 */
export function useLive(
  chargerId: string | undefined,
  onEvent: (event: LiveEvent) => void,
  onOpen?: () => void,
): void {
  const handlers = useRef({ onEvent, onOpen });
  handlers.current = { onEvent, onOpen };
  useEffect(() => {
    const source = new EventSource(
      chargerId === undefined ? '/api/live' : `/api/live?chargerId=${encodeURIComponent(chargerId)}`,
    );
    source.addEventListener('hello', () => handlers.current.onOpen?.());
    source.onmessage = (message) => handlers.current.onEvent(JSON.parse(message.data) as LiveEvent);
    return () => source.close();
  }, [chargerId]);
}
