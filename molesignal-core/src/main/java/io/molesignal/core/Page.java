package io.molesignal.core;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * One page of a list, with an opaque cursor for the next page ({@link CursorCodec}).
 *
 * @param items the items of this page
 * @param nextCursor the cursor of the next page, or null at the end
 * @param <T> the item type
 */
public record Page<T>(List<T> items, @Nullable String nextCursor) {
    public Page {
        items = List.copyOf(items);
    }
}
