import { answer, defineAction } from '../../../actions/action.js';

export const connectTransport = defineAction({
  name: 'media.connectTransport',
  permission: 'media.receive',
  async prepare({ transportId, dtlsParameters }, { consultationId, actor, services }) {
    const room = await services.media.room(consultationId);
    await room.connectTransport(actor.id, transportId, dtlsParameters);
  },
  decide: () => answer({}),
});
