import type { MotionView } from '@consult/shared';
import { useStore } from '../../store';
import type { ConsultSocket } from '../../net/socket';
import { listen } from '../../net/listen';
import { fetchPublished, refreshNamed } from './actions';

const store = () => useStore.getState();

/**
 * Motion pushes: created, opened and closed motions (the close carries the result to
 * everyone), live turnout, and for moderators who chose what on named ballots. After a
 * secret ballot closes, a voter whose device holds its last ballot fetches the published
 * commitments to check it.
 */
export function subscribeVoting(socket: ConsultSocket): () => void {
  return listen(socket, {
    'motion.changed': ({ motion }) => {
      const before = store().voting.motions[motion.definition.id];
      store().upsertMotion(motion);
      if (motion.status === 'closed' && before?.status !== 'closed') onClosed(motion);
    },
    'motion.turnout': ({ turnout }) => store().applyTurnout(turnout),
    'motion.namedChoices': (named) => store().setNamedChoices(named),
  });
}

function onClosed(motion: MotionView): void {
  const id = motion.definition.id;
  if (motion.definition.ballot === 'secret') {
    if (store().voting.openings[id]) fetchPublished(id);
  } else {
    // The final roll call (the last live batch may still be on its way).
    refreshNamed(id);
  }
}
