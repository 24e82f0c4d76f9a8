import type { EntityManager } from '@mikro-orm/core';
import { sampleVarietyNames } from '../data-access/catalog-read-repository';

/** (item, variety) names to search for, picked at random from the catalog: the warm-up's keywords. */
export function sampleSearchNames(em: EntityManager, limit: number): Promise<Array<{ item: string; name: string }>> {
  return sampleVarietyNames(em, limit);
}
