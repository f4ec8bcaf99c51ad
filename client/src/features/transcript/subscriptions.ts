import { useStore } from '../../store';
import type { ConsultSocket } from '../../net/socket';
import { listen } from '../../net/listen';
import { previewMinutes } from './actions';

const store = () => useStore.getState();

/**
 * Transcript pushes, for everyone: the partial caption of the current speech, final
 * segments (new, or corrected by the clerk: replaced by id), gaps, and the minutes'
 * sign-off. An open preview of the minutes is rebuilt when their state changes.
 */
export function subscribeTranscript(socket: ConsultSocket): () => void {
  return listen(socket, {
    'transcript.partial': (partial) => store().setPartial(partial),
    'transcript.segment': ({ segment }) => store().upsertSegment(segment),
    'transcript.gap': ({ gap }) => store().addGap(gap),
    'minutes.changed': ({ minutes }) => {
      const before = store().transcript.minutes;
      store().setMinutes(minutes);
      const changed = !before || before.version !== minutes.version || before.status !== minutes.status;
      if (changed && store().transcript.draft) void previewMinutes();
    },
  });
}
