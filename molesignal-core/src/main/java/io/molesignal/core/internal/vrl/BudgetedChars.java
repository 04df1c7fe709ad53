package io.molesignal.core.internal.vrl;

/**
 * A string seen by {@link java.util.regex.Matcher} that charges the run's step budget for every character the
 * regex engine reads, so a pathological pattern (catastrophic backtracking) fails the event instead of holding the
 * ingest thread.
 */
final class BudgetedChars implements CharSequence {
    private static final int BATCH = 4096;

    private final String s;
    private final Frame f;
    private int reads;

    BudgetedChars(String s, Frame f) {
        this.s = s;
        this.f = f;
    }

    @Override
    public int length() {
        return s.length();
    }

    @Override
    public char charAt(int index) {
        if (++reads >= BATCH) {
            f.cost(reads);
            reads = 0;
        }
        return s.charAt(index);
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return new BudgetedChars(s.substring(start, end), f);
    }

    @Override
    public String toString() {
        return s;
    }
}
