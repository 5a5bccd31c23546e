import { type Attempt, assertRetryable, type DeadLetter, PigeonError } from '@pigeon/domain';

import type { Actor, CommandHandler } from '../../mediator/command';
import type { Clock } from '../../ports/clock';
import type { AttemptRepository, DeadLetterRepository } from '../../ports/operations';
import type { ApplicationRepository } from '../../ports/repositories';
import { requireFound, requireOwnedApplication } from '../../shared/ownership';
import type { RetryAttemptCommand } from './retry-attempt.command';

interface Retryable {
  readonly attempt: Attempt;
  readonly deadLetter: DeadLetter | null;
}

/**
 * Puts a failed attempt back in the queue with a fresh retry budget. Its dead
 * letter counts as replayed from then on, so it cannot deliver the message again.
 */
export class RetryAttemptHandler implements CommandHandler<RetryAttemptCommand> {
  constructor(
    private readonly applications: ApplicationRepository,
    private readonly attempts: AttemptRepository,
    private readonly deadLetters: DeadLetterRepository,
    private readonly clock: Clock,
  ) {}

  async execute(command: RetryAttemptCommand, actor: Actor): Promise<Attempt> {
    await requireOwnedApplication(this.applications, actor.orgId, command.appId);
    const { attempt, deadLetter } = await this.loadRetryable(command);

    const retried = await this.attempts.retry(attempt, deadLetter?.id ?? null, this.clock.now());
    if (retried === null) {
      // A concurrent retry or replay changed the attempt after it was read: report what it changed.
      await this.loadRetryable(command);
      throw PigeonError.versionConflict();
    }

    return retried;
  }

  private async loadRetryable(command: RetryAttemptCommand): Promise<Retryable> {
    const attempt = requireFound(await this.attempts.findInApp(command.appId, command.attemptId));
    const deadLetter = await this.deadLetters.findLatestForAttempt(attempt.id);
    assertRetryable(attempt, deadLetter);

    return { attempt, deadLetter };
  }
}
