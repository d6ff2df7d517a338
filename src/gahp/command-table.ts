import type { Arity, GahpCommand } from "./types.js";

/**
 * The commands a GAHP server answers, keyed by upper-cased name (command names are
 * case-insensitive on the wire). Registration order is the order `COMMANDS` lists them in.
 */
export class CommandTable {
  private readonly byName = new Map<string, GahpCommand>();

  constructor(commands: Iterable<GahpCommand> = []) {
    for (const command of commands) this.register(command);
  }

  /** Adds a command; a name registered twice is a programming error and throws. */
  register(command: GahpCommand): this {
    const key = command.name.toUpperCase();
    if (!/^[A-Z0-9_]+$/.test(key)) {
      throw new Error(`GAHP command name "${command.name}" must be letters, digits and underscores`);
    }
    if (this.byName.has(key)) throw new Error(`GAHP command ${command.name} is already registered`);
    this.byName.set(key, command);
    return this;
  }

  /** The command for a name as received on the wire (any case), or undefined. */
  lookup(name: string): GahpCommand | undefined {
    // Clients send upper case; try that before paying for toUpperCase().
    return this.byName.get(name) ?? this.byName.get(name.toUpperCase());
  }

  /** Names in registration order. */
  names(): string[] {
    return [...this.byName.values()].map((command) => command.name);
  }
}

/** Whether `count` arguments satisfy an arity. */
export function arityAccepts(arity: Arity, count: number): boolean {
  if (typeof arity === "number") return count === arity;
  return count >= arity.min && (arity.max === undefined || count <= arity.max);
}

/** A human description of an arity, for logs ("2", "1-3", "at least 1"). */
export function describeArity(arity: Arity): string {
  if (typeof arity === "number") return String(arity);
  if (arity.max === undefined) return `at least ${arity.min}`;
  return arity.min === arity.max ? String(arity.min) : `${arity.min}-${arity.max}`;
}
