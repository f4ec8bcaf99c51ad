import { describe, expect, it } from 'vitest';
import { createConsultation, joinAs, ok, sleep, startServer, tokenFor } from '../helpers/harness.js';

describe('a media room nobody uses is closed', () => {
  it('closes the room once it has been idle for MEDIA_ROOM_IDLE_MS, and opens a new one for the next participant', async () => {
    const h = await startServer({ env: { MEDIA_ROOM_IDLE_MS: '400' } });
    try {
      const c = await createConsultation(h.url);
      const member = await joinAs(h.url, tokenFor(c, '委员甲'));
      await ok(member.socket, 'media.setCapabilities', { rtpCapabilities: member.snapshot.routerRtpCapabilities });
      await ok(member.socket, 'media.createTransport', { direction: 'recv' });
      const room = h.app.media.existingRoom(c.id)!;
      // In use: a transport is open.
      await sleep(900);
      expect(room.isClosed).toBe(false);
      await ok(member.socket, 'session.leave', {});
      member.socket.disconnect();
      for (let i = 0; i < 40 && !room.isClosed; i++) await sleep(100);
      expect(room.isClosed).toBe(true);
      expect(h.app.media.existingRoom(c.id)).toBeUndefined();
      // The next participant gets a fresh room and media works again.
      const again = await joinAs(h.url, tokenFor(c, '委员乙'));
      await ok(again.socket, 'media.setCapabilities', { rtpCapabilities: again.snapshot.routerRtpCapabilities });
      expect((await ok(again.socket, 'media.createTransport', { direction: 'recv' })).id).toBeTruthy();
      expect(h.app.media.existingRoom(c.id)).not.toBe(room);
      again.socket.disconnect();
    } finally {
      await h.close();
    }
  });
});
