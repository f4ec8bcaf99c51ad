/** Roles a participant can hold in a consultation (PRODUCT.md, "Who uses it"). */
export const ROLES = ['moderator', 'member', 'studio', 'clerk', 'observer'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Every permission a role may hold. Each request declares the one it needs (the server's
 * action definitions); a feature adds its permissions here and to the table.
 */
export const PERMISSION_NAMES = [
  'session.join',
  'media.receive',
  'media.produce.audio',
  'media.produce.video',
  /** Publishing anything: a send transport, pausing, resuming or closing one's own producers. */
  'media.publish',
  'consultation.moderate',
  'floor.request',
  'motion.vote',
  'minutes.edit',
  'minutes.read',
  'studio.operate',
] as const;
export type Permission = (typeof PERMISSION_NAMES)[number];

/** The single permission table the server checks every request against. */
export const PERMISSIONS: Record<Role, readonly Permission[]> = {
  moderator: ['session.join', 'media.receive', 'media.produce.audio', 'media.produce.video', 'media.publish', 'consultation.moderate', 'minutes.read'],
  member: ['session.join', 'media.receive', 'media.produce.audio', 'media.produce.video', 'media.publish', 'floor.request', 'motion.vote'],
  studio: ['session.join', 'media.receive', 'media.produce.audio', 'media.produce.video', 'media.publish', 'floor.request', 'studio.operate'],
  clerk: ['session.join', 'media.receive', 'minutes.edit', 'minutes.read'],
  observer: ['session.join', 'media.receive'],
};

/** Whose microphone is forwarded whether or not they hold the floor. */
export function alwaysOnAir(role: Role): boolean {
  return role === 'moderator';
}

export function can(role: Role, permission: Permission): boolean {
  return PERMISSIONS[role].includes(permission);
}

/** Whether the role publishes camera and microphone at all (decides the join page). */
export function publishes(role: Role): boolean {
  return can(role, 'media.publish');
}
