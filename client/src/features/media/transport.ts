import type { types as ms } from 'mediasoup-client';
import type { ReplyData, RequestPayload } from '@consult/shared';

type TransportRequest = <N extends 'media.connectTransport' | 'media.produce'>(name: N, payload: RequestPayload<N>) => Promise<ReplyData[N]>;

/**
 * Opens the local end of a transport the server created (`media.createTransport`) and wires it
 * to our signalling: DTLS `connect` → `media.connectTransport`, and on a send transport
 * `produce` → `media.produce` with the source and paused flag from the producer's appData.
 * The browser client and bench:join's libwebrtc peers both join through this.
 */
export function openTransport(
  device: ms.Device,
  direction: 'send' | 'recv',
  info: ReplyData['media.createTransport'],
  request: TransportRequest,
): ms.Transport {
  const options: ms.TransportOptions = {
    id: info.id,
    iceParameters: info.iceParameters as ms.IceParameters,
    iceCandidates: info.iceCandidates as ms.IceCandidate[],
    dtlsParameters: info.dtlsParameters as ms.DtlsParameters,
  };
  const transport = direction === 'recv' ? device.createRecvTransport(options) : device.createSendTransport(options);
  transport.on('connect', ({ dtlsParameters }, callback, errback) => {
    request('media.connectTransport', { transportId: transport.id, dtlsParameters }).then(() => callback(), errback);
  });
  if (direction === 'send') {
    transport.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
      request('media.produce', {
        transportId: transport.id,
        kind,
        rtpParameters,
        source: appData.source === 'camera' ? 'camera' : 'mic',
        paused: appData.paused === true,
      }).then(({ producerId }) => callback({ id: producerId }), errback);
    });
  }
  return transport;
}
