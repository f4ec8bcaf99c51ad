import type { RtpCapabilities } from '@consult/sfu';
import { answer, defineAction } from '../../../actions/action.js';

/** The receiver's codecs: what it can consume. */
export const setCapabilities = defineAction({
  name: 'media.setCapabilities',
  permission: 'media.receive',
  async prepare({ rtpCapabilities }, { consultationId, actor, services }) {
    const room = await services.media.room(consultationId);
    return { consumable: room.setCapabilities(actor.id, rtpCapabilities as unknown as RtpCapabilities) };
  },
  decide: (_state, _input, _actor, _now, reply) => answer(reply),
});
