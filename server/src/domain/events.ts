/**
 * How features declare their events once. Each feature has a union of its events
 * (`{ type, data }`) and a fold table with one entry per type: the compiler checks the table
 * covers the union exactly, and the table's keys are the feature's event types at run time.
 */

export interface DomainEvent {
  type: string;
  data: unknown;
}

/** One fold per event type of `E`, from the slice of state `S` it changes; `at` is the event's server time. */
export type FoldTable<E extends DomainEvent, S> = {
  [T in E['type']]: (state: S, data: Extract<E, { type: T }>['data'], at: number) => S;
};

/** Applies one event through its fold. */
export function fold<E extends DomainEvent, S>(table: FoldTable<E, S>, state: S, event: E, at: number): S {
  const apply = table[event.type as E['type']];
  return apply(state, event.data, at);
}

/** A type guard: whether an event is one of the table's. */
export function eventGuard<E extends DomainEvent, S>(table: FoldTable<E, S>): (event: DomainEvent) => event is E {
  return (event): event is E => Object.hasOwn(table, event.type);
}
