import { WARREN_ERROR_CODES } from './error-codes';
import { WarrenRuntimeError } from './warren.error';

/**
 * `WARREN_TOOL_FAILED`: a tool could not do what it was asked (thrown by the tool's handler; the
 * message is what the model reads). Not retryable: the model decides what to do next.
 */
export class ToolFailedError extends WarrenRuntimeError {
  constructor(
    readonly tool: string,
    message: string,
  ) {
    super(message, WARREN_ERROR_CODES.TOOL_FAILED);
  }
}

/** `WARREN_TOOL_INVALID_ARGUMENTS`: the model's arguments are not JSON or do not match the tool's schema; the tool was not called. */
export class ToolArgumentsError extends WarrenRuntimeError {
  constructor(
    readonly tool: string,
    readonly problems: string[],
  ) {
    super(`arguments of tool ${tool} are invalid: ${problems.join('; ')}`, WARREN_ERROR_CODES.TOOL_INVALID_ARGUMENTS);
  }
}

/** `WARREN_TOOL_NOT_ALLOWED`: the model called a tool that is not declared, or not for this tenant; nothing was called. */
export class ToolNotAllowedError extends WarrenRuntimeError {
  constructor(
    readonly tool: string,
    readonly tenant: string,
  ) {
    super(`tool ${tool} is not available to tenant ${tenant}`, WARREN_ERROR_CODES.TOOL_NOT_ALLOWED);
  }
}
