import { useStore } from '../../store';
import type { ConsultSocket } from '../../net/socket';
import { listen } from '../../net/listen';

/** What the session controller does on connection events. */
export interface SessionHandlers {
  /** Connected or reconnected: (re)join. */
  onConnect: () => void;
  /** The same link was opened elsewhere. */
  onReplaced: () => void;
}

/** Connection state for the banner, and the hand-offs to the controller. */
export function subscribeSession(socket: ConsultSocket, handlers: SessionHandlers): () => void {
  const onConnect = () => handlers.onConnect();
  const onDisconnect = (reason: string) => {
    useStore.getState().setConnection('reconnecting');
    // socket.io reconnects by itself except after a server-side disconnect.
    if (reason === 'io server disconnect') socket.connect();
  };
  socket.on('connect', onConnect);
  socket.on('disconnect', onDisconnect);
  const unlisten = listen(socket, { 'session.replaced': handlers.onReplaced });
  return () => {
    socket.off('connect', onConnect);
    socket.off('disconnect', onDisconnect);
    unlisten();
  };
}
