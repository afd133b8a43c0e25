/** Unique member paths: duplicates get `#2`, `#3`… so every copy is scanned and reported apart. */
export class PathNamer {
  private readonly used = new Set<string>();

  next(name: string, id: number): string {
    let path = name === "" ? `#entry${id}` : name;
    for (let n = 2; this.used.has(path); n++) path = `${name}#${n}`;
    this.used.add(path);
    return path;
  }
}
