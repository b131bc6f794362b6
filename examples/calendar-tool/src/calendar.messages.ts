import { Message } from '@warren/contracts';
import { IsISO8601, IsOptional, IsString, MaxLength } from 'class-validator';

/** Asks a user's calendar (`calendar/<tenant>~<user>`) to book a reminder at `at` (its answer: {@link BookedReminder}). */
@Message('example.calendar.book-reminder')
export class BookReminder {
  /** When (ISO 8601). */
  @IsISO8601() at!: string;
  @IsString() @MaxLength(500) text!: string;
  /** The session the reminder was asked in, handed back when it comes due. */
  @IsOptional() @IsString() @MaxLength(128) sessionId?: string;
}

/** A booked reminder. */
export interface BookedReminder {
  name: string;
  at: string;
  text: string;
}
