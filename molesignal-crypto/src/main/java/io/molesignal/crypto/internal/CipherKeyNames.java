package io.molesignal.crypto.internal;

/** Key names: {@code [A-Za-z0-9_.-]{1,64}} (checked by hand: this runs on every encryption). */
public final class CipherKeyNames {
    private CipherKeyNames() {
    }

    public static boolean isValid(String name) {
        if (name == null || name.isEmpty() || name.length() > 64) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
                    || c == '.' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
