import { describe, expect, it } from 'vitest';
import { STORES, createConsultation, flushRedis, joinAs, startServer, tempDir, tokenOf } from '../helpers/harness.js';

describe.each(STORES)('state survives a restart (%s store)', (store) => {
  it('keeps consultations, participants and join links; records who was in the room as having left', async () => {
    await flushRedis();
    const dataDir = tempDir();
    const first = await startServer({ store, dataDir });
    const created = await createConsultation(first.url);
    const member = created.participants.find((p) => p.role === 'member')!;
    const { socket } = await joinAs(first.url, tokenOf(member.joinUrl));
    expect(first.app.consultations.get(created.id)!.attendance[member.id]!.inRoom).toBe(true);
    socket.disconnect();
    // Simulate a crash-like stop: no graceful leave is recorded before close.
    await first.close();

    const second = await startServer({ store, dataDir });
    try {
      const state = second.app.consultations.get(created.id);
      expect(state?.consultation.title).toBe(created.title);
      expect(state?.consultation.participants.map((p) => p.id)).toEqual(created.participants.map((p) => p.id));
      expect(state?.attendance[member.id]).toMatchObject({ inRoom: false });

      const res = await fetch(`${second.url}/api/consultations/${created.id}`, { headers: { authorization: 'Bearer test-admin-token' } });
      expect(res.status).toBe(200);
      // The old join link still works after the restart.
      const again = await joinAs(second.url, tokenOf(member.joinUrl));
      expect(again.snapshot.self.id).toBe(member.id);
      again.socket.disconnect();
    } finally {
      await second.close();
    }
  });
});
