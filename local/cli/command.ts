// What every subcommand exports. Its own module so the commands need nothing from main.ts, which loads them.
export interface Command {
  description: string;
  usage: string;
  run(argv: string[]): Promise<number>;
}
