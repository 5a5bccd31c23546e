import { newId } from './identifiers';
import { requireMaxLength, requireText } from './text';
import { assertVersion, INITIAL_VERSION } from './versioned';

export const MAX_NAME_LENGTH = 256;

export interface Application {
  readonly id: string;
  readonly orgId: string;
  readonly name: string;
  readonly uid: string;
  readonly createdAt: Date;
  readonly version: number;
}

export function createApplication(input: { orgId: string; name: string; uid: string; now: Date }): Application {
  requireText(input.name, 'application name must not be empty');
  requireMaxLength(input.name, MAX_NAME_LENGTH, 'application name');
  requireText(input.uid, 'application UID must not be empty');
  requireMaxLength(input.uid, MAX_NAME_LENGTH, 'application UID');

  return {
    id: newId(),
    orgId: input.orgId,
    name: input.name,
    uid: input.uid,
    createdAt: input.now,
    version: INITIAL_VERSION,
  };
}

export function renameApplication(application: Application, name: string, expectedVersion: number): Application {
  assertVersion(application.version, expectedVersion);
  requireText(name, 'application name must not be empty');
  requireMaxLength(name, MAX_NAME_LENGTH, 'application name');

  return { ...application, name, version: application.version + 1 };
}
