import type { Actor, QueryHandler } from '../../mediator/command';
import type { Page } from '../../ports/pagination';
import type { AuditLogReader, AuditRecord } from '../../ports/tenancy';
import type { ListAuditLogQuery } from './list-audit-log.query';

/** Lists the audit rows of the caller's organization, where admin actions are recorded under the admin organization. */
export class ListAuditLogHandler implements QueryHandler<ListAuditLogQuery> {
  constructor(private readonly auditLog: AuditLogReader) {}

  execute(query: ListAuditLogQuery, actor: Actor): Promise<Page<AuditRecord>> {
    return this.auditLog.listInOrg(actor.orgId, query.page, query.filters);
  }
}
