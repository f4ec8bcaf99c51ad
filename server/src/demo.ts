import type { App } from './app.js';
import type { ServerConfig } from './config.js';

const DEMO_TITLE = '城乡基层治理协商会（演示）';

/**
 * Creates the demo consultation once (it survives restarts on the same store) and
 * prints a join link for each role, plus the admin token.
 */
export async function seedDemo(app: App, config: ServerConfig, address: string): Promise<void> {
  let state = app.consultations.all().find((s) => s.consultation.title === DEMO_TITLE);
  if (!state) {
    state = await app.consultations.create({
      title: DEMO_TITLE,
      language: 'zh',
      agenda: [{ title: '关于老旧小区加装电梯的协商' }, { title: '关于县域公共交通线网优化的提案' }],
      sites: [
        { id: 'city', name: '市本级' },
        { id: 'east', name: '东城区' },
        { id: 'lake', name: '湖滨县' },
      ],
      participants: [
        { name: '王主席', role: 'moderator', siteId: 'city' },
        { name: '李委员', role: 'member', siteId: 'east' },
        { name: '张委员', role: 'member', siteId: 'lake' },
        { name: '湖滨县委员工作室', role: 'studio', siteId: 'lake' },
        { name: '赵记录', role: 'clerk', siteId: 'city' },
        { name: '公众观众', role: 'observer', siteId: 'city' },
      ],
    });
  }
  const base = config.publicUrl ?? address.replace('0.0.0.0', 'localhost').replace('[::]', 'localhost');
  const lines = state.consultation.participants.map((p) => {
    const url = app.joinUrl(app.issueToken(state.consultation.id, p.id));
    return `  ${p.role.padEnd(9)} ${p.name.padEnd(10)} ${url.startsWith('http') ? url : base + url}`;
  });
  console.log(
    [
      '',
      `Demo consultation "${state.consultation.title}" (${state.consultation.id})`,
      'Join links (open each in its own browser profile or device):',
      ...lines,
      `Admin token for the REST API: ${config.adminToken}`,
      `API docs: ${base}/api/docs`,
      '',
    ].join('\n'),
  );
}
