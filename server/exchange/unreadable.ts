/** A file that is not what it says or that cannot be read safely; the message is for the clerk. */
export class UnreadableFile extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnreadableFile';
  }
}
