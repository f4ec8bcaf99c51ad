import type { RtpParameters } from '@consult/sfu';
import { AppError, ErrorCode, can, forbidden } from '@consult/shared';
import { answer, defineAction } from '../../../actions/action.js';

/**
 * A browser publishes its microphone or camera. A microphone is created paused on the SFU unless
 * the floor rule lets its owner be heard; others are told through the media reactions.
 */
export const produce = defineAction({
  name: 'media.produce',
  permission: 'media.publish',
  authorize(_state, actor, { kind, source }) {
    if (!can(actor.role, kind === 'audio' ? 'media.produce.audio' : 'media.produce.video')) throw forbidden(`a ${actor.role} may not publish ${kind}`);
    if ((kind === 'audio') !== (source === 'mic')) throw new AppError(ErrorCode.VALIDATION, `source ${source} does not carry ${kind}`);
  },
  async prepare(request, { consultationId, actor, services }) {
    const room = await services.media.room(consultationId);
    const producer = await room.produce(actor.id, {
      transportId: request.transportId,
      kind: request.kind,
      source: request.source,
      rtpParameters: request.rtpParameters as unknown as RtpParameters,
      paused: request.paused,
    });
    return { producerId: producer.id };
  },
  decide: (_state, _input, _actor, _now, reply) => answer(reply),
});
