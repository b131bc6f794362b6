import { InvalidMessageError, Message, WARREN_ERROR_CODES } from '@warren/contracts';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Min, MinLength, ValidateNested } from 'class-validator';
import { toValidMessage } from './message-validator';

class Caller {
  @IsString()
  @MinLength(1)
  id!: string;
}

@Message('test.validator.add')
class Add {
  @IsInt()
  @Min(0)
  by!: number;

  @IsOptional()
  @IsString()
  note?: string;
}

@Message('test.validator.call')
class Call {
  @ValidateNested()
  @Type(() => Caller)
  caller!: Caller;

  @ValidateNested({ each: true })
  @Type(() => Caller)
  others: Caller[] = [];
}

@Message('test.validator.ping')
class Ping {}

const refusal = (fn: () => unknown): InvalidMessageError => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidMessageError);
    return error as InvalidMessageError;
  }
  throw new Error('expected toValidMessage to throw');
};

describe('toValidMessage()', () => {
  it('toValidMessage() returns an instance of the message class for valid data', () => {
    const msg = toValidMessage(Add, { by: 2, note: 'hi' });
    expect(msg).toBeInstanceOf(Add);
    expect(msg).toEqual(Object.assign(new Add(), { by: 2, note: 'hi' }));
  });

  it('toValidMessage() refuses a field of the wrong type with WARREN_INVALID_MESSAGE naming the field', () => {
    const err = refusal(() => toValidMessage(Add, { by: 'two' }));
    expect(err.code).toBe(WARREN_ERROR_CODES.INVALID_MESSAGE);
    expect(err.code).toBe('WARREN_INVALID_MESSAGE');
    expect(err.retryable).toBe(false);
    expect(err.violations).toEqual([{ field: 'by', constraints: expect.arrayContaining([expect.stringMatching(/integer/)]) }]);
    expect(err.message).toContain('Add');
    expect(err.message).toContain('by:');
  });

  it('toValidMessage() refuses a missing required field', () => {
    const err = refusal(() => toValidMessage(Add, {}));
    expect(err.violations.map((v) => v.field)).toEqual(['by']);
  });

  it('toValidMessage() refuses an unknown property so typos do not pass silently', () => {
    const err = refusal(() => toValidMessage(Add, { by: 1, bye: 2 }));
    expect(err.violations).toEqual([{ field: 'bye', constraints: [expect.stringContaining('should not exist')] }]);
  });

  it('toValidMessage() names a nested field by its dotted path', () => {
    const err = refusal(() => toValidMessage(Call, { caller: { id: 42 } }));
    expect(err.violations.map((v) => v.field)).toEqual(['caller.id']);
  });

  it('toValidMessage() names a field inside an array of nested objects with its index', () => {
    const err = refusal(() => toValidMessage(Call, { caller: { id: 'a' }, others: [{ id: 'b' }, { id: '' }] }));
    expect(err.violations.map((v) => v.field)).toEqual(['others.1.id']);
  });

  it('toValidMessage() builds nested instances for valid nested data', () => {
    const msg = toValidMessage(Call, { caller: { id: 'a' }, others: [{ id: 'b' }] });
    expect(msg.caller).toBeInstanceOf(Caller);
    expect(msg.others[0]).toBeInstanceOf(Caller);
  });

  it('toValidMessage() lists every violation at once', () => {
    const err = refusal(() => toValidMessage(Add, { by: -1, note: 3 }));
    expect(err.violations.map((v) => v.field).sort()).toEqual(['by', 'note']);
  });

  it.each([
    ['null', null],
    ['undefined', undefined],
    ['a string', 'by=2'],
    ['a number', 2],
    ['an array', [{ by: 2 }]],
  ])('toValidMessage() refuses %s as data with a violation on "data"', (_name, data) => {
    const err = refusal(() => toValidMessage(Add, data));
    expect(err.code).toBe('WARREN_INVALID_MESSAGE');
    expect(err.violations).toEqual([{ field: 'data', constraints: ['must be an object'] }]);
    expect(err.message).toContain('Add');
  });

  it('toValidMessage() accepts {} for a message class with no fields', () => {
    expect(toValidMessage(Ping, {})).toBeInstanceOf(Ping);
  });

  it('toValidMessage() refuses unknown properties for a message class with no fields', () => {
    const err = refusal(() => toValidMessage(Ping, { extra: true }));
    expect(err.violations.map((v) => v.field)).toEqual(['extra']);
  });
});
