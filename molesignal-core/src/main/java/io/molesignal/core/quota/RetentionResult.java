package io.molesignal.core.quota;

/**
 * What one retention run deleted, over every org and registered table.
 *
 * @param orgs orgs with a retention setting that were processed
 * @param events events deleted
 * @param bytes bytes freed (the sum of the deleted events' size column)
 */
public record RetentionResult(long orgs, long events, long bytes) {
}
