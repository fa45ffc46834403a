import { v7 as uuidv7, validate, version } from 'uuid';

declare const brand: unique symbol;
/** A string that the type system keeps apart from other strings. */
export type Brand<T, B extends string> = T & { readonly [brand]: B };

/** A new time-ordered UUID (v7): index-friendly and sortable by creation. */
export function newId<T extends string = string>(): T {
  return uuidv7() as T;
}

export function isUuid(value: string): boolean {
  return validate(value) && [4, 7].includes(version(value));
}
