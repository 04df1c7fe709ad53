/**
 * The ingest path: events arrive for an org, the stream's transform (VRL) runs, storage is reserved, {@code org_id}
 * is stamped from the principal and rows land in a tenant table in one transaction.
 */
@NullMarked
package io.molesignal.core.ingest;

import org.jspecify.annotations.NullMarked;
