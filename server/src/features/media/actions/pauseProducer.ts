import { answer, defineAction, type ActionContext } from '../../../actions/action.js';

/** The client mutes or unmutes its own producer; resuming a microphone without the floor is refused (NO_FLOOR). */
export async function setOwnProducerPaused(producerId: string, paused: boolean, { consultationId, actor, services }: ActionContext): Promise<void> {
  const room = await services.media.room(consultationId);
  await room.setClientPaused(actor.id, producerId, paused);
}

export const pauseProducer = defineAction({
  name: 'media.pauseProducer',
  permission: 'media.publish',
  prepare: ({ producerId }, ctx) => setOwnProducerPaused(producerId, true, ctx),
  decide: () => answer({}),
});
