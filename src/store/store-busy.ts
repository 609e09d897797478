/** Another process holds the store locked past the probe's short wait. */
export class StoreBusy extends Error {
  constructor(file: string) {
    super(`the store ${file} is busy (another process holds it locked)`);
    this.name = 'StoreBusy';
  }
}
