import { can, forbidden, invalidState } from '@consult/shared';
import { answer, defineAction } from '../../../actions/action.js';

/** A WebRTC transport: `recv` for anyone who receives, `send` only for those who publish. */
export const createTransport = defineAction({
  name: 'media.createTransport',
  permission: 'media.receive',
  authorize(_state, actor, { direction }) {
    if (direction === 'send' && !can(actor.role, 'media.publish')) throw forbidden(`a ${actor.role} does not publish media`);
  },
  async prepare({ direction }, { consultationId, actor, services, stillJoined }) {
    const room = await services.media.room(consultationId);
    const transport = await room.createTransport(actor.id, direction);
    // Left while it was being made: a studio's media peer outlives its browser (for the feed), so
    // the transport would otherwise stay open for nobody.
    if (!stillJoined()) {
      room.closeTransport(actor.id, transport.id);
      throw invalidState('the connection left while the transport was being created');
    }
    return transport;
  },
  decide: (_state, _input, _actor, _now, transport) => answer(transport),
});
