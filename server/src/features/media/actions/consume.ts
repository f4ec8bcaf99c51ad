import { forbidden } from '@consult/shared';
import { answer, defineAction } from '../../../actions/action.js';

/** A receiver consumes a producer it was told of; what the server keeps from it (MediaVisibility) is refused. */
export const consume = defineAction({
  name: 'media.consume',
  permission: 'media.receive',
  async prepare({ producerId }, { consultationId, actor, services }) {
    const room = await services.media.room(consultationId);
    const producer = room.findProducer(producerId);
    if (producer && services.visibility.hiddenFrom(consultationId, actor, producer)) {
      throw forbidden(producer.source === 'mic' ? 'this studio is heard through its broadcast feed while it is on air' : 'this studio feed is not on air yet');
    }
    return room.consume(actor.id, producerId);
  },
  decide: (_state, _input, _actor, _now, consumer) => answer(consumer),
});
