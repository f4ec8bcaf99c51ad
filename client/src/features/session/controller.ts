import { can, type JoinReply } from '@consult/shared';
import { useStore } from '../../store';
import { fetchSession } from '../../net/api';
import { errorCodeOf, isTokenError, type AppErrorCode } from '../../net/errors';
import { closeSocket, isConnected, openSocket, request } from '../../net/socket';
import { startMedia, stopMedia } from '../media/engine';
import { releaseLocalMedia } from '../media/localMedia';
import { subscribeMedia } from '../media/subscriptions';
import { subscribeParticipants } from '../participants/subscriptions';
import { refreshReport } from '../floor/actions';
import { startClockSync, stopClockSync } from '../floor/clock';
import { micFollowsFloor } from '../floor/slice';
import { subscribeFloor } from '../floor/subscriptions';
import { refreshMotions } from '../voting/actions';
import { subscribeVoting } from '../voting/subscriptions';
import { refreshTranscript } from '../transcript/actions';
import { subscribeTranscript } from '../transcript/subscriptions';
import { onStudiosJoin } from '../studios/actions';
import { subscribeStudios } from '../studios/subscriptions';
import { subscribeSession } from './subscriptions';

/**
 * The session's life: token → GET /api/session → join page → socket → session.join
 * → room, and the same join again after every reconnect.
 */

const TOKEN_KEY = 'consult.token';
/** Transient failures of one (re)join tolerated before giving up on the error page. */
const MAX_JOIN_RETRIES = 5;
const JOIN_RETRY_MS = 2000;

const TRANSIENT: ReadonlySet<AppErrorCode> = new Set<AppErrorCode>(['NETWORK', 'TIMEOUT', 'RATE_LIMITED', 'INTERNAL', 'MEDIA']);

let unsubscribers: (() => void)[] = [];
/** Counts join attempts so that an answer to an older attempt is ignored. */
let joinAttempt = 0;
let joinRetries = 0;

/**
 * Reads the join token (URL first, then this tab's sessionStorage), asks the server
 * whose it is, and shows the join page, or the error page when the token is missing,
 * invalid or expired.
 */
export async function bootstrap(): Promise<void> {
  const store = useStore.getState();
  store.setPhase('loading');
  const token = readToken();
  if (!token) {
    store.fail('TOKEN_MISSING');
    return;
  }
  store.setToken(token);
  try {
    const info = await fetchSession(token);
    useStore.getState().setSessionInfo(info);
    useStore.getState().setPhase('lobby');
  } catch (err) {
    useStore.getState().fail(errorCodeOf(err));
  }
}

/** Connects the socket and joins; called by the join button. */
export function joinRoom(): void {
  const store = useStore.getState();
  if (!store.token) {
    store.fail('TOKEN_MISSING');
    return;
  }
  store.setPhase('joining');
  store.setConnection('connecting');
  joinRetries = 0;
  const socket = openSocket(store.token);
  unsubscribers = [
    subscribeSession(socket, { onConnect: () => void join(), onReplaced: () => end('SESSION_REPLACED') }),
    subscribeParticipants(socket),
    subscribeMedia(socket),
    subscribeFloor(socket),
    subscribeVoting(socket),
    subscribeStudios(socket),
    subscribeTranscript(socket),
  ];
  socket.connect();
}

/** Leaves the consultation and shows the "you have left" page. */
export function leaveRoom(): void {
  // Tell the server first so others see a leave, not 30 s of "reconnecting"; leave anyway if it is unreachable.
  void request('session.leave', {})
    .catch(() => undefined)
    .finally(() => {
      teardown();
      useStore.getState().setPhase('left');
    });
}

/** Starts over from the token (error page "retry", "rejoin" after leaving or being replaced). */
export function restartSession(): void {
  teardown();
  void bootstrap();
}

/** session.join on a (re)connected socket, then rebuild everything from the snapshot. */
async function join(): Promise<void> {
  const attempt = ++joinAttempt;
  const { token } = useStore.getState();
  if (!token) return;
  useStore.getState().setConnection('connecting');
  try {
    const reply = await request('session.join', { token });
    if (attempt !== joinAttempt) return;
    joinRetries = 0;
    applySnapshot(reply);
    startClockSync(reply.serverTime);
    void startMedia(reply);
  } catch (err) {
    if (attempt !== joinAttempt) return;
    const code = errorCodeOf(err);
    if (isTokenError(code) || !TRANSIENT.has(code) || ++joinRetries > MAX_JOIN_RETRIES) {
      end(code);
      return;
    }
    if (useStore.getState().phase === 'room') useStore.getState().pushToast('toast.rejoinFailed');
    // When the socket dropped meanwhile, its next 'connect' retries instead.
    window.setTimeout(() => {
      if (attempt === joinAttempt && isConnected()) void join();
    }, JOIN_RETRY_MS);
  }
}

/** Puts a join reply into the store: who we are, who is here, what is published. */
function applySnapshot(reply: JoinReply): void {
  const store = useStore.getState();
  store.applyJoin(reply);
  // A member's microphone is open exactly while they hold the floor (a rejoin may find them speaking).
  if (micFollowsFloor(reply.self.role)) store.setLocal({ micOn: reply.floor.speech?.participantId === reply.self.id });
  store.setFloor(reply.floor, { force: true });
  if (can(reply.self.role, 'consultation.moderate')) refreshReport();
  // Motions at once from the snapshot; then our own ballots (and the named roll calls for moderators).
  store.setMotions(reply.motions);
  refreshMotions();
  // Engine, minutes and the roster from the snapshot; the whole transcript for the clerk and the moderator.
  store.applyTranscriptJoin(reply);
  refreshTranscript();
  store.setParticipants(reply.participants);
  store.setRemoteProducers(reply.producers.filter((p) => p.participantId !== reply.self.id));
  store.setActiveSpeaker(reply.activeSpeakerId);
  // Studios and their attendee lists from the snapshot; then the public stream, and the ingest points for moderators.
  onStudiosJoin(reply);
  store.setPhase('room');
  store.setConnection('connected');
}

/** Ends the session on an error page (token refused, replaced elsewhere, repeated failures). */
function end(code: AppErrorCode): void {
  teardown();
  useStore.getState().fail(code);
}

/** Closes socket, media and devices, and forgets the room (the token stays for a rejoin). */
function teardown(): void {
  joinAttempt++;
  for (const unsubscribe of unsubscribers) unsubscribe();
  unsubscribers = [];
  closeSocket();
  stopClockSync();
  stopMedia();
  releaseLocalMedia();
  const store = useStore.getState();
  store.setParticipants([]);
  store.clearMediaIds();
  store.setActiveSpeaker(null);
  store.setFloor(null, { force: true });
  store.setFloorReport(null);
  store.resetVoting();
  store.resetStudios();
  store.resetTranscript();
  useStore.setState({ lastRemoteSpeakerId: null, audioBlocked: false });
  store.setConnection('offline');
}

/** The token from `?token=` (then kept in sessionStorage so a reload works), else from sessionStorage. */
function readToken(): string | null {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    try {
      window.sessionStorage.setItem(TOKEN_KEY, fromUrl);
      // Keep the credential out of the address bar (screen sharing, copied links) once it is stored.
      url.searchParams.delete('token');
      window.history.replaceState(window.history.state, '', `${url.pathname}${url.search}${url.hash}`);
    } catch {
      // Without storage the token stays in the URL, which keeps reloads working.
    }
    return fromUrl;
  }
  try {
    return window.sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}
