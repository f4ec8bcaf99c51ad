import { answer, defineAction } from '../../../actions/action.js';

export const closeProducer = defineAction({
  name: 'media.closeProducer',
  permission: 'media.publish',
  async prepare({ producerId }, { consultationId, actor, services }) {
    const room = await services.media.room(consultationId);
    room.closeProducer(actor.id, producerId);
  },
  decide: () => answer({}),
});
