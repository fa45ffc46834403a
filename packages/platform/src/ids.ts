import { v5 as uuidv5, v7 as uuidv7, validate, version } from 'uuid';

declare const brand: unique symbol;
/** A string that the type system keeps apart from other strings. */
export type Brand<T, B extends string> = T & { readonly [brand]: B };

/** A new time-ordered UUID (v7): index-friendly and sortable by creation. */
export function newId<T extends string = string>(): T {
  return uuidv7() as T;
}

/** Stratum's namespace for name-based ids (a fixed, random UUID). */
const STABLE_ID_NAMESPACE = '5b0e4f1c-3f6a-4d2e-9c41-7a8b2d9e6f10';

/**
 * The same UUID (v5) for the same name, every time and in every process: for
 * an id that a retry must derive again rather than remember (e.g. the refund
 * that reverses a payment).
 */
export function stableId<T extends string = string>(name: string): T {
  return uuidv5(name, STABLE_ID_NAMESPACE) as T;
}

export function isUuid(value: string): boolean {
  return validate(value) && [4, 7].includes(version(value));
}
