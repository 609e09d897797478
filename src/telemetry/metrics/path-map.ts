/**
 * Values by a fixed-length path of strings, one Map per level. Looking a path up builds no string: a joined key
 * is a new string per lookup, concatenated, flattened and hashed every time, while the parts here are strings
 * whose hash V8 has already computed and cached (a label value was just looked up in a Set of names, or is a
 * literal of the code). That joined key was most of what counting a request cost.
 */
export class PathMap<T> {
  private readonly root = new Map<string, unknown>();

  get(path: readonly string[]): T | undefined {
    let level: unknown = this.root;
    for (const part of path) {
      level = (level as Map<string, unknown>).get(part);
      if (level === undefined) return undefined;
    }
    return level as T;
  }

  set(path: readonly string[], value: T): void {
    let level = this.root;
    const last = path.length - 1;
    for (let index = 0; index < last; index++) {
      const part = path[index] as string;
      let next = level.get(part) as Map<string, unknown> | undefined;
      if (next === undefined) {
        next = new Map();
        level.set(part, next);
      }
      level = next;
    }
    level.set(path[last] as string, value);
  }
}
