import { answer, defineAction } from '../../../actions/action.js';

/** The public live stream stops; the answer lists the recordings. */
export const stopStream = defineAction({
  name: 'stream.stop',
  permission: 'consultation.moderate',
  prepare: (_input, { consultationId, services }) => services.studios.stopStream(consultationId),
  decide: (_state, _input, _actor, _now, reply) => answer(reply),
});
