import { assertReplayable, type DeadLetter, PigeonError } from '@pigeon/domain';

import type { Actor, CommandHandler } from '../../mediator/command';
import type { Clock } from '../../ports/clock';
import type { DeadLetterRepository } from '../../ports/operations';
import type { ApplicationRepository } from '../../ports/repositories';
import { requireFound, requireOwnedApplication } from '../../shared/ownership';
import type { ReplayDeadLetterCommand } from './replay-dead-letter.command';

/**
 * Delivers a dead-lettered message once more to its endpoint through a new
 * attempt with a fresh retry budget, even if the endpoint is disabled now.
 */
export class ReplayDeadLetterHandler implements CommandHandler<ReplayDeadLetterCommand> {
  constructor(
    private readonly applications: ApplicationRepository,
    private readonly deadLetters: DeadLetterRepository,
    private readonly clock: Clock,
  ) {}

  async execute(command: ReplayDeadLetterCommand, actor: Actor): Promise<DeadLetter> {
    await requireOwnedApplication(this.applications, actor.orgId, command.appId);
    assertReplayable(await this.load(command));

    const replayed = await this.deadLetters.replay(command.appId, command.deadLetterId, this.clock.now());
    if (replayed === null) {
      // A concurrent replay or retry won the race after the read: report what it changed.
      assertReplayable(await this.load(command));
      throw PigeonError.versionConflict();
    }

    return replayed;
  }

  private async load(command: ReplayDeadLetterCommand): Promise<DeadLetter> {
    return requireFound(await this.deadLetters.findInApp(command.appId, command.deadLetterId));
  }
}
