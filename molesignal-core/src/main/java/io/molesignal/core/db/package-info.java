/** The database layer: transactions, dialects, Flyway migrations per module, the tenant session helper and the row-level-security DDL generator. */
@NullMarked
package io.molesignal.core.db;

import org.jspecify.annotations.NullMarked;
