import { answer, defineAction } from '../../../actions/action.js';

/** The public live stream starts: the spotlight encoded once to HLS, a recording and an RTMP push if asked. */
export const startStream = defineAction({
  name: 'stream.start',
  permission: 'consultation.moderate',
  prepare: async (options, { consultationId, services }) => ({ stream: await services.studios.startStream(consultationId, options, services.clock()) }),
  decide: (_state, _input, _actor, _now, reply) => answer(reply),
});
