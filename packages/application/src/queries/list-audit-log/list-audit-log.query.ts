import { Query } from '../../mediator/command';
import type { Page, PageRequest } from '../../ports/pagination';
import type { AuditLogFilters, AuditRecord } from '../../ports/tenancy';

export class ListAuditLogQuery extends Query<Page<AuditRecord>> {
  constructor(
    readonly page: PageRequest,
    readonly filters: AuditLogFilters,
  ) {
    super();
  }
}
