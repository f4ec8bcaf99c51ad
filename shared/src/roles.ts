/** Roles a participant can hold in a consultation (PRODUCT.md, "Who uses it"). */
export const ROLES = ['moderator', 'member', 'studio', 'clerk', 'observer'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Every action that a socket event or REST call can perform. Later features add
 * their own actions (floor.*, motion.*, transcript.*) to this list and to the table.
 */
export const ACTIONS = [
  'session.join',
  'media.receive',
  'media.produce.audio',
  'media.produce.video',
  'consultation.moderate',
  'floor.request',
  'motion.vote',
  'minutes.edit',
  'minutes.read',
  'studio.operate',
] as const;
export type Action = (typeof ACTIONS)[number];

/** The single permission table the server checks every event against. */
export const PERMISSIONS: Record<Role, readonly Action[]> = {
  moderator: ['session.join', 'media.receive', 'media.produce.audio', 'media.produce.video', 'consultation.moderate', 'minutes.read'],
  member: ['session.join', 'media.receive', 'media.produce.audio', 'media.produce.video', 'floor.request', 'motion.vote'],
  studio: ['session.join', 'media.receive', 'media.produce.audio', 'media.produce.video', 'floor.request', 'studio.operate'],
  clerk: ['session.join', 'media.receive', 'minutes.edit', 'minutes.read'],
  observer: ['session.join', 'media.receive'],
};

/** Whose microphone is forwarded whether or not they hold the floor. */
export function alwaysOnAir(role: Role): boolean {
  return role === 'moderator';
}

export function can(role: Role, action: Action): boolean {
  return PERMISSIONS[role].includes(action);
}

/** Whether the role publishes camera and microphone at all (decides the join page). */
export function publishes(role: Role): boolean {
  return can(role, 'media.produce.audio') || can(role, 'media.produce.video');
}
