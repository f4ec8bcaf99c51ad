import { can } from '@consult/shared';
import { useStore } from '../../store';
import type { ConsultSocket } from '../../net/socket';
import { listen } from '../../net/listen';
import { setSourceEnabled } from '../media/engine';
import { refreshReport } from './actions';
import { noteServerTime } from './clock';
import { micFollowsFloor, selectName, selectSelfHoldsFloor } from './slice';

/** Retries of opening the microphone when the grant's permission reaches the SFU a moment late. */
const MIC_RETRIES = 3;
const MIC_RETRY_MS = 400;

const store = () => useStore.getState();

/**
 * Floor pushes, and what follows from the floor on this client: a member's microphone
 * opens when they get the floor and closes when they lose it; the moderator's speaking
 * record is fetched again whenever a speech starts or ends.
 */
export function subscribeFloor(socket: ConsultSocket): () => void {
  const unlisten = listen(socket, {
    'floor.changed': ({ floor, serverTime }) => {
      noteServerTime(serverTime);
      store().setFloor(floor);
    },
    // To the moderator: someone left the consultation, and their requests (or their speech) with them.
    'floor.departed': ({ participantId, entryIds, speechId }) => {
      const name = selectName(store(), participantId) ?? '';
      if (speechId) store().pushToast('floor.departedSpeech', { name });
      else if (entryIds.length > 0) store().pushToast('floor.departedQueue', { name });
    },
    'floor.rejected': ({ reason }) => {
      if (reason) store().pushToast('floor.rejectedReason', { reason });
      else store().pushToast('floor.rejectedToast');
    },
  });

  const unsubscribe = useStore.subscribe((state, previous) => {
    const held = selectSelfHoldsFloor(state);
    if (held !== selectSelfHoldsFloor(previous) && state.self && micFollowsFloor(state.self.role)) {
      // No toast for the first view after a join, nor when leaving: only for a change seen in the room.
      followMic(held, previous.floor !== null && state.floor !== null);
    }
    const speechId = state.floor?.speech?.id ?? null;
    const before = previous.floor?.speech?.id ?? null;
    if (speechId !== before && previous.floor !== null && state.self && can(state.self.role, 'consultation.moderate')) refreshReport();
  });

  return () => {
    unlisten();
    unsubscribe();
    micChain = Promise.resolve();
  };
}

/** Mic changes run one after another, so a quick grant-then-end cannot leave the mic open. */
let micChain: Promise<void> = Promise.resolve();

function followMic(on: boolean, announce: boolean): void {
  micChain = micChain.then(async () => {
    for (let attempt = 0; ; attempt++) {
      // Superseded by a later change of the floor: that change has its own turn.
      if (selectSelfHoldsFloor(store()) !== on) return;
      const refused = await setSourceEnabled('mic', on, { quiet: true });
      // Closing applies locally at once (and the server closes it too): nothing to retry.
      if (refused === null || !on) break;
      if (refused !== 'NO_FLOOR' || attempt >= MIC_RETRIES) {
        store().pushToast('toast.micFollowFailed');
        return;
      }
      await new Promise((resolve) => window.setTimeout(resolve, MIC_RETRY_MS));
    }
    if (announce) store().pushToast(on ? 'floor.youHaveFloor' : 'floor.yourSpeechEnded');
  });
}
