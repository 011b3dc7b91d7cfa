/** A JSON/YAML object as the raw document holds it, before the schema. */
export type Obj = Readonly<Record<string, unknown>>;

/** The value under `keys`, or undefined where a step is not an object. */
export function dig(value: unknown, keys: readonly string[]): unknown {
  return keys.reduce<unknown>((node, key) => asObject(node)?.[key], value);
}

export function asObject(value: unknown): Obj | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Obj) : undefined;
}

export function asList(value: unknown): [number, unknown][] {
  return Array.isArray(value) ? [...value.entries()] : [];
}

export function asNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
