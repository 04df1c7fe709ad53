/**
 * Per-org quotas: ingest and query rates (GCRA token buckets), storage bytes and retention, with the
 * {@link io.molesignal.core.quota.QuotaGovernor} as the one entry point, an optional distributed mode over
 * PostgreSQL or Redis, and the {@link io.molesignal.core.quota.AlertSink} SPI.
 */
@NullMarked
package io.molesignal.core.quota;

import org.jspecify.annotations.NullMarked;
