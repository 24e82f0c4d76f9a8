import type { EntitySchema } from '@mikro-orm/core';

/** Every entity of the ordering schema. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- EntitySchema generics are invariant
export const entities: Array<EntitySchema<any, any>> = [];
