import { answer, defineAction } from '../../../actions/action.js';

/** A transport whose connection failed gets new ICE credentials (the client restarts ICE with them). */
export const restartIce = defineAction({
  name: 'media.restartIce',
  permission: 'media.receive',
  async prepare({ transportId }, { consultationId, actor, services }) {
    const room = await services.media.room(consultationId);
    return { iceParameters: await room.restartIce(actor.id, transportId) };
  },
  decide: (_state, _input, _actor, _now, reply) => answer(reply),
});
