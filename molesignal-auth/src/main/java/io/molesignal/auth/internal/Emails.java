package io.molesignal.auth.internal;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Optional;

/**
 * E-mail normalisation for lookup and uniqueness: Unicode NFKC (so compatibility look-alikes such as full-width
 * letters fold to ASCII), then lower case (ROOT locale). A valid address has 3..254 characters, exactly one
 * {@code @} with text on both sides, and no whitespace or control characters.
 */
public final class Emails {
    private Emails() {
    }

    public static Optional<String> normalize(String raw) {
        if (raw.length() > 320) {
            return Optional.empty();
        }
        String s = Normalizer.normalize(raw, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
        if (s.length() < 3 || s.length() > 254) {
            return Optional.empty();
        }
        int at = s.indexOf('@');
        if (at <= 0 || at != s.lastIndexOf('@') || at == s.length() - 1) {
            return Optional.empty();
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c) || Character.isSpaceChar(c)) {
                return Optional.empty();
            }
        }
        return Optional.of(s);
    }
}
