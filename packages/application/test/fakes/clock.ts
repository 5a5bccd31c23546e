import { Clock } from '../../src';

/** A clock that stands still until a test sets or advances it. */
export class FakeClock extends Clock {
  private current: Date;

  constructor(start: Date = new Date('2025-03-14T09:26:53.000Z')) {
    super();
    this.current = new Date(start.getTime());
  }

  now(): Date {
    return new Date(this.current.getTime());
  }

  set(instant: Date): void {
    this.current = new Date(instant.getTime());
  }

  advance(milliseconds: number): void {
    this.current = new Date(this.current.getTime() + milliseconds);
  }
}
