import { useStore } from '../../store';
import type { ConsultSocket } from '../../net/socket';
import { listen } from '../../net/listen';
import {
  applyOwnProducerUpdate,
  closeConsumer,
  closeConsumerOfProducer,
  closeParticipantConsumers,
  consumeProducer,
  rebuildMedia,
  syncConsumerLayers,
} from './engine';

/**
 * Media pushes: producers of others appear, change and vanish; the active speaker
 * moves; the media room can be lost. Also keeps simulcast layers in step with the
 * layout, whose inputs (speaker, consumers, participants) live in the store.
 */
export function subscribeMedia(socket: ConsultSocket): () => void {
  const store = () => useStore.getState();
  const isSelf = (participantId: string) => participantId === store().self?.id;

  const unlisten = listen(socket, {
    'media.producerAdded': (producer) => {
      if (isSelf(producer.participantId)) return;
      store().upsertRemoteProducer(producer);
      void consumeProducer(producer);
    },
    'media.producerUpdated': (producer) => {
      if (isSelf(producer.participantId)) {
        applyOwnProducerUpdate(producer);
        return;
      }
      store().upsertRemoteProducer(producer);
      // An update for a producer we never heard of still means it exists.
      void consumeProducer(producer);
    },
    'media.producerClosed': ({ producerId }) => {
      store().removeRemoteProducer(producerId);
      closeConsumerOfProducer(producerId);
    },
    'media.consumerClosed': ({ consumerId }) => closeConsumer(consumerId),
    'media.activeSpeaker': ({ participantId }) => store().setActiveSpeaker(participantId),
    'media.reset': () => {
      // The room and all its producers are gone; others announce their new ones as they rebuild.
      store().setRemoteProducers([]);
      void rebuildMedia();
    },
    'presence.changed': ({ changes }) => {
      for (const change of changes) {
        if (change.kind !== 'left') continue;
        // A studio's broadcast feed outlives its page: the server says when it ends.
        for (const producer of Object.values(store().remoteProducers)) {
          if (producer.participantId === change.participantId && !producer.source.startsWith('ingest')) store().removeRemoteProducer(producer.producerId);
        }
        closeParticipantConsumers(change.participantId);
      }
    },
  });

  const unsubscribeLayers = useStore.subscribe((state, previous) => {
    if (
      state.consumerIds !== previous.consumerIds ||
      state.lastRemoteSpeakerId !== previous.lastRemoteSpeakerId ||
      state.floor?.speech?.participantId !== previous.floor?.speech?.participantId ||
      state.participants !== previous.participants
    ) {
      syncConsumerLayers();
    }
  });

  return () => {
    unlisten();
    unsubscribeLayers();
  };
}
